export type { Clock } from '../kernel/clock.js';
export type { Logger } from '../kernel/logger.js';
export type { ApiVersion, CallOptions } from './call.js';
export { AuraClient, type AuraClientOptions } from './client.js';
export { DEFAULTS as AURA_DEFAULTS, type RetryOptions } from './defaults.js';
export { AuraDatabaseCreateOutcomeUnknownError } from './errors/database-create.js';
export * from './errors/index.js';
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
  type RequestPriority,
} from './rate-limiter.js';
export type { CreateInstanceInput, UpdateInstanceInput } from './requests.js';
export type { BillingUsageInput, CreateProjectInstanceInput } from './requests-v2.js';
export type { InstancesResource } from './resources/instances.js';
export type { SnapshotsResource } from './resources/snapshots.js';
export type { TenantsResource } from './resources/tenants.js';
export type { AuraProject } from './resources/v2/aura-v2.js';
export { AuraV2 } from './resources/v2/aura-v2.js';
export type { BillingResource, BillingUsageRow } from './resources/v2/billing.js';
export type { DatabasesResource } from './resources/v2/databases.js';
export type { OrganizationsResource, ProjectsResource } from './resources/v2/organizations.js';
export type { ProjectRef } from './resources/v2/paths.js';
export type {
  ListPageOptions,
  ProjectInstancesResource,
} from './resources/v2/project-instances.js';
export {
  CLOUD_PROVIDERS,
  type CloudProvider,
  type CreatedInstance,
  INSTANCE_STATUSES,
  INSTANCE_TYPES,
  type Instance,
  type InstanceConfiguration,
  type InstanceStatus,
  type InstanceSummary,
  type InstanceType,
  type KnownInstanceStatus,
  type Snapshot,
  type Tenant,
  type TenantSummary,
} from './schemas.js';
export type {
  CreatedProjectInstance,
  Database,
  Organization,
  Project,
  ProjectInstance,
  ProjectInstanceSummary,
} from './schemas-v2.js';
export { Secret } from './secret.js';
export type { AccessToken, TokenCache } from './token.js';
export type { WaitOptions, WaitProgress } from './wait.js';
