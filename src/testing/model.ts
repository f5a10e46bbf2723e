/**
 * The public shapes of the Aura fake: instances as the fake holds them
 * (camelCase), tenant seeds, and recorded requests. The wire format (snake_case)
 * lives in `wire.ts`.
 */

/**
 * Instance status values of the Aura API v1.
 *
 * @example
 * ```ts
 * const settled: InstanceStatus[] = ['running', 'paused', 'loading failed'];
 * ```
 */
export type InstanceStatus =
  | 'creating'
  | 'destroying'
  | 'running'
  | 'pausing'
  | 'paused'
  | 'suspending'
  | 'suspended'
  | 'resuming'
  | 'loading'
  | 'loading failed'
  | 'restoring'
  | 'updating'
  | 'overwriting';

/**
 * Cloud providers of the Aura API v1.
 *
 * @example
 * ```ts
 * aura.addInstance({ name: 'on-aws', cloudProvider: 'aws', region: 'us-east-1' });
 * ```
 */
export type CloudProvider = 'gcp' | 'aws' | 'azure';

/**
 * Instance types of the Aura API v1 (`enterprise-db` is Virtual Dedicated Cloud).
 *
 * @example
 * ```ts
 * aura.addInstance({ name: 'free', type: 'free-db' });
 * ```
 */
export type InstanceType =
  | 'enterprise-db'
  | 'enterprise-ds'
  | 'business-critical'
  | 'professional-db'
  | 'professional-ds'
  | 'free-db';

/**
 * One instance configuration a tenant offers (`GET /tenants/{id}` lists them;
 * `POST /instances` accepts only these).
 *
 * @example
 * ```ts
 * const config: InstanceConfiguration = {
 *   cloudProvider: 'gcp', region: 'europe-west1', regionName: 'Belgium (europe-west1)',
 *   type: 'professional-db', memory: '2GB', storage: '4GB', version: '5',
 * };
 * ```
 */
export interface InstanceConfiguration {
  cloudProvider: CloudProvider;
  region: string;
  regionName: string;
  type: InstanceType;
  memory: string;
  storage: string;
  version: string;
}

/**
 * A tenant (project) the fake knows. Without `instanceConfigurations` it offers
 * the default ones.
 *
 * @example
 * ```ts
 * createAuraMock({ tenants: [{ id: 'acme', name: 'Acme' }] });
 * ```
 */
export interface TenantSeed {
  id: string;
  name: string;
  instanceConfigurations?: InstanceConfiguration[];
}

/**
 * What a create request asked for, in camelCase; given to the `creationTimeMs`
 * and `failCreation` options.
 *
 * @example
 * ```ts
 * createAuraMock({ creationTimeMs: (spec) => (spec.type === 'free-db' ? 30_000 : 120_000) });
 * ```
 */
export interface MockInstanceSpec {
  name: string;
  tenantId: string;
  cloudProvider: CloudProvider;
  region: string;
  type: InstanceType;
  memory: string;
  version: string;
  vectorOptimized: boolean;
  graphAnalyticsPlugin: boolean;
}

/**
 * An instance as the fake holds it, with the status computed at the clock's
 * current time. The fake knows the password; `GET /instances/{id}` never sends it.
 *
 * @example
 * ```ts
 * expect(aura.instances.map((i) => i.status)).toEqual(['running']);
 * ```
 */
export interface MockInstance {
  id: string;
  name: string;
  status: InstanceStatus;
  tenantId: string;
  cloudProvider: CloudProvider;
  region: string;
  type: InstanceType;
  memory: string;
  storage: string;
  version: string;
  connectionUrl: string;
  username: string;
  password: string;
  /** ISO 8601, whole seconds, as the API sends it. */
  createdAt: string;
  vectorOptimized: boolean;
  graphAnalyticsPlugin: boolean;
}

/**
 * An instance to seed with `aura.addInstance(...)`, e.g. an orphan left by an
 * earlier crash. Omitted fields come from the tenant's first configuration.
 * A transitional `status` (`creating`, `pausing`, ...) settles after the usual
 * duration, counted from the moment of seeding.
 *
 * @example
 * ```ts
 * aura.addInstance({ name: 'user-42', status: 'running' });
 * ```
 */
export interface SeedInstance {
  name: string;
  id?: string;
  tenantId?: string;
  cloudProvider?: CloudProvider;
  region?: string;
  type?: InstanceType;
  memory?: string;
  storage?: string;
  version?: string;
  /** Default `running`. */
  status?: InstanceStatus;
  /** Milliseconds since the epoch; default: the clock's now. */
  createdAt?: number;
  password?: string;
  vectorOptimized?: boolean;
  graphAnalyticsPlugin?: boolean;
}

/**
 * One request the fake received, in arrival order. Never holds the
 * `Authorization` header; for `/oauth/token` the body is `{ grant_type }` only.
 *
 * @example
 * ```ts
 * expect(aura.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
 *   'POST /oauth/token 200',
 *   'POST /v1/instances 202',
 * ]);
 * ```
 */
export interface RecordedRequest {
  method: string;
  /** The URL path below the base URL, `/v1` included: `/v1/instances/0a1b2c3d`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, form fields, the raw text if neither parses, or `undefined`. */
  body: unknown;
  /** The status answered; `0` when the fake never answered (timeout or dropped connection). */
  status: number;
  /** Clock time of arrival, in milliseconds. */
  at: number;
  /** The `X-Request-Id` of the answer (also kept for requests never answered). */
  requestId: string;
}
