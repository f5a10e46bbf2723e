export type { CredentialCipher } from './cipher.js';
export {
  type AesGcmCipherOptions,
  createAesGcmCipher,
  generateAesGcmKey,
} from './cipher-aes-gcm.js';
export { createInsecurePlaintextCipher } from './cipher-insecure-plaintext.js';
export { PROVISIONING_DEFAULTS } from './defaults.js';
export { createDnsReadinessProbe, type DnsReadinessProbeOptions } from './dns-probe.js';
export {
  CredentialCipherError,
  CredentialStoreError,
  isProvisioningError,
  ProvisioningAbortError,
  ProvisioningConfigurationError,
  ProvisioningError,
  type ProvisioningErrorCode,
  ProvisioningFailedError,
  ProvisioningTimeoutError,
  UserDatabaseNotFoundError,
} from './errors.js';
export type {
  ProvisioningEventInfo,
  ProvisioningEventType,
  ProvisioningListener,
} from './events.js';
export { createHttpReadinessProbe, type HttpReadinessProbeOptions } from './http-probe.js';
export { instanceNameForUser, userIdFromInstanceName } from './instance-name.js';
export { MemoryCredentialStore, type MemoryCredentialStoreOptions } from './memory-store.js';
export { DEFAULT_POLL_POLICY, nextStatusCheckAt, type PollPolicy } from './poll-policy.js';
export {
  checkUserId,
  createProvisioner,
  type Provisioner,
  type ProvisionerOptions,
} from './provisioner.js';
export type {
  OrphanInstance,
  OrphanPolicy,
  ReconcileOptions,
  ReconcileReport,
} from './reconcile.js';
export {
  type NewUserDatabaseRecord,
  newRecord,
  PROVISIONING_STATUSES,
  type ProvisioningStatus,
  type UserDatabasePatch,
  type UserDatabaseRecord,
} from './record.js';
export type { InstanceSpec, ReadinessProbe } from './runtime.js';
export {
  InProcessScheduler,
  type InProcessSchedulerOptions,
  type PollScheduler,
  type SchedulePriority,
} from './scheduler.js';
export { type ProvisionUserDatabaseOptions, provisionUserDatabase } from './standalone.js';
export type { UserDatabaseStatus } from './status.js';
export type { ClaimResult, CredentialStore, ListQuery, RecordPage } from './store.js';
export { type ProvisioningEvent, transition } from './transition.js';
export { UserScopedError } from './user-error.js';
export type { WaitUntilReadyOptions } from './wait-ready.js';
