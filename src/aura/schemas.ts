import * as z from 'zod/mini';
import { arrayOf, boolean, greaterThanZero, number, optional } from './checks.js';
import { Secret } from './secret.js';
import type { Camelize } from './wire.js';

// Responses are parsed leniently: unknown fields pass through (looseObject),
// enums Aura may extend (status, type, cloud provider) are plain strings, and
// only what the SDK relies on is required. Requests are checked strictly.

export const INSTANCE_STATUSES = [
  'creating',
  'destroying',
  'running',
  'pausing',
  'paused',
  'suspending',
  'suspended',
  'resuming',
  'loading',
  'loading failed',
  'restoring',
  'updating',
  'overwriting',
] as const;

/** A status Aura documents; an unknown one arrives as a plain string. */
export type KnownInstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type InstanceStatus = KnownInstanceStatus | (string & {});

export const INSTANCE_TYPES = [
  'free-db',
  'professional-db',
  'business-critical',
  'enterprise-db',
  'professional-ds',
  'enterprise-ds',
] as const;
export type InstanceType = (typeof INSTANCE_TYPES)[number];

export const CLOUD_PROVIDERS = ['gcp', 'aws', 'azure'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

// graph_nodes/graph_relationships: the spec says string, the live API sends numbers.
// A refinement rather than a union of the two, and an overwrite rather than a pipe into a
// transform (two more zod kinds): see checks.ts.
const isCount = (value: unknown) =>
  Number.isFinite(value) || (typeof value === 'string' && /^\d+$/.test(value));
const count = z.unknown().check(
  z.refine(isCount, 'expected a number or a string of digits'),
  z.overwrite((value) => Number(value)),
) as z.ZodMiniType<number, unknown>;

export const tenantSummaryWire = z.looseObject({ id: z.string(), name: z.string() });

export const instanceConfigurationWire = z.looseObject({
  region: z.string(),
  region_name: optional(z.string()),
  type: z.string(),
  memory: z.string(),
  storage: optional(z.string()),
  version: z.string(),
  cloud_provider: z.string(),
});

export const tenantWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  instance_configurations: arrayOf(instanceConfigurationWire),
});

export const instanceSummaryWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  tenant_id: z.string(),
  cloud_provider: z.string(),
  created_at: optional(z.string()),
});

export const instanceWire = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string() as z.ZodMiniType<InstanceStatus>,
  connection_url: optional(z.string()),
  tenant_id: z.string(),
  cloud_provider: z.string(),
  region: z.string(),
  type: z.string(),
  memory: z.string(),
  storage: optional(z.string()),
  created_at: optional(z.string()),
  graph_nodes: optional(count),
  graph_relationships: optional(count),
});

export const createdInstanceWire = z.looseObject({
  id: z.string(),
  connection_url: z.string(),
  username: z.string(),
  // Wrapped by an overwrite, which runs only on a string (z.string() aborts otherwise).
  password: z
    .string()
    .check(z.overwrite((value) => new Secret(value) as never)) as unknown as z.ZodMiniType<
    Secret,
    string
  >,
  tenant_id: z.string(),
  cloud_provider: z.string(),
  region: z.string(),
  type: z.string(),
  name: z.string(),
  created_at: optional(z.string()),
});

export const snapshotWire = z.looseObject({
  instance_id: z.string(),
  snapshot_id: z.string(),
  profile: optional(z.string()),
  status: z.string(),
  timestamp: optional(z.string()),
  exportable: optional(boolean()),
});

export const snapshotCreatedWire = z.looseObject({ snapshot_id: z.string() });

export const tokenWire = z.looseObject({
  access_token: z.string().check(z.refine((token) => token !== '', 'must not be empty')),
  expires_in: number().check(greaterThanZero()),
  token_type: z
    .string()
    .check(z.refine((value) => value.toLowerCase() === 'bearer', 'expected bearer')),
});

/** `{ data: T }`, the envelope of every Aura success body. */
export const envelope = <T extends z.ZodMiniType>(data: T) => z.object({ data });

export type TenantSummary = Camelize<z.output<typeof tenantSummaryWire>>;
export type InstanceConfiguration = Camelize<z.output<typeof instanceConfigurationWire>>;
export type Tenant = Camelize<z.output<typeof tenantWire>>;
export type InstanceSummary = Camelize<z.output<typeof instanceSummaryWire>>;
/** An instance as `GET /instances/{id}` describes it. `status` may be a value newer than this SDK. */
export type Instance = Camelize<z.output<typeof instanceWire>>;
/** The answer to a create: the only time Aura returns the password (as a {@link Secret}). */
export type CreatedInstance = Camelize<z.output<typeof createdInstanceWire>>;
export type Snapshot = Camelize<z.output<typeof snapshotWire>>;
