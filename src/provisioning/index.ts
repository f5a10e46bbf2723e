export { UserScopedError } from '../kernel/user-error.js';
export type { CredentialCipher } from '../records/cipher.js';
export { databaseNameForUser } from '../records/database-name.js';
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
} from '../records/errors.js';
export type {
  ProvisioningEventInfo,
  ProvisioningEventType,
  ProvisioningListener,
  UnownedKind,
} from '../records/events.js';
export {
  type HostClaimResult,
  type HostPatch,
  type HostRecord,
  type HostStore,
  isHostStore,
  type NewHostRecord,
  newHostRecord,
} from '../records/host-record.js';
export { deploymentTag, instanceNameForUser } from '../records/instance-name.js';
export {
  type NewUserDatabaseRecord,
  newRecord,
  PROVISIONING_STATUSES,
  type ProvisioningStatus,
  RECORD_PLACEMENTS,
  type RecordPlacement,
  type UserDatabasePatch,
  type UserDatabaseRecord,
} from '../records/record.js';
export type { UserDatabaseStatus } from '../records/status.js';
export type {
  ClaimResult,
  CredentialStore,
  ListOrder,
  ListQuery,
  RecordPage,
} from '../records/store.js';
export { parseAesGcmKeys } from '../stores/aes-gcm-keys.js';
export {
  type AesGcmCipherOptions,
  createAesGcmCipher,
  generateAesGcmKey,
} from '../stores/cipher-aes-gcm.js';
export { createInsecurePlaintextCipher } from '../stores/cipher-insecure-plaintext.js';
export {
  MemoryCredentialStore,
  type MemoryCredentialStoreOptions,
} from '../stores/memory-store.js';
export { PROVISIONING_DEFAULTS } from './defaults.js';
export { createDnsReadinessProbe, type DnsReadinessProbeOptions } from './dns-probe.js';
export { createHttpReadinessProbe, type HttpReadinessProbeOptions } from './http-probe.js';
export {
  type DatabasePerUserPlacement,
  type HostSpec,
  PLACEMENT_DEFAULTS,
  type Placement,
} from './placement.js';
export type { PollPolicy } from './poll-policy.js';
export {
  createProvisioner,
  type Provisioner,
  type ProvisionerOptions,
} from './provisioner.js';
export type {
  DuplicatePolicy,
  HostSummary,
  LostPolicy,
  LostResource,
  OrphanDatabase,
  OrphanInstance,
  OrphanPolicy,
  ReconcileOptions,
  ReconcileReport,
} from './reconcile.js';
export type { InstanceSpec, ReadinessProbe } from './runtime.js';
export {
  InProcessScheduler,
  type InProcessSchedulerOptions,
  type PollScheduler,
  type SchedulePriority,
} from './scheduler.js';
export { type ProvisionUserDatabaseOptions, provisionUserDatabase } from './standalone.js';
export type { WaitUntilReadyOptions } from './wait-ready.js';
