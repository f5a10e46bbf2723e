export type { ProvisioningEventSource } from './cache-options.js';
export { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
export {
  type DatabaseScopeViolation,
  isUserClientError,
  NoUserDatabaseError,
  UserClientConfigurationError,
  UserClientError,
  type UserClientErrorCode,
  UserClientsClosedError,
  UserCredentialsUnreadableError,
  UserDatabaseFailedError,
  UserDatabaseNotReadyError,
  UserDatabaseScopeError,
  UserDatabaseWakingError,
} from './errors.js';
export type { QueryCounters, QueryResult } from './query-answer.js';
export {
  createQueryClient,
  type Neo4jQueryClient,
  type QueryClientOptions,
  type QueryRunOptions,
} from './query-client.js';
export {
  Neo4jAuthenticationError,
  Neo4jConnectionError,
  Neo4jQueryAbortError,
  Neo4jQueryError,
  Neo4jQueryTimeoutError,
  Neo4jTransientError,
  QueryApiError,
  type QueryApiErrorOptions,
} from './query-errors.js';
export { queryApiOrigin } from './query-url.js';
export type { RecordUseOption } from './use-recorder.js';
export {
  createQueryClientForUser,
  createUserQueryClients,
  type QueryClientForUserOptions,
  type UserQueryClients,
  type UserQueryClientsOptions,
} from './user-query-clients.js';
export type { UserDatabaseWaker, WakeOption, WakeProgress } from './wake.js';
