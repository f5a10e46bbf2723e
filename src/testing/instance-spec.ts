/**
 * Validation of create and update bodies, as the API does it: the spec's
 * shape, the name rule, and the tenant's offered configurations.
 */
import type {
  CloudProvider,
  InstanceConfiguration,
  InstanceType,
  MockInstanceSpec,
  TenantSeed,
} from './model.js';
import type { Reply } from './reply.js';
import { auraError } from './reply.js';

const CLOUD_PROVIDERS: readonly CloudProvider[] = ['gcp', 'aws', 'azure'];
const INSTANCE_TYPES: readonly InstanceType[] = [
  'enterprise-db',
  'enterprise-ds',
  'business-critical',
  'professional-db',
  'professional-ds',
  'free-db',
];
const REQUIRED = ['version', 'region', 'memory', 'name', 'type', 'tenant_id', 'cloud_provider'];
const FLAGS = ['vector_optimized', 'graph_analytics_plugin'];

const invalid = (field: string, message: string) =>
  auraError(400, 'invalid-request', message, field);

/**
 * What is wrong with an instance name, if anything: 1–30 characters, no
 * leading or trailing white space.
 *
 * @example
 * ```ts
 * nameProblem(' padded'); // 'name must not start or end with white space'
 * nameProblem('user-42'); // undefined
 * ```
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'name must be a string';
  const length = [...name].length;
  if (length < 1 || length > 30) return 'name must be between 1 and 30 characters';
  if (name.trim() !== name) return 'name must not start or end with white space';
  return undefined;
}

const isObject = (body: unknown): body is Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body);

function flagProblem(body: Record<string, unknown>): Reply | undefined {
  const field = FLAGS.find((f) => body[f] !== undefined && typeof body[f] !== 'boolean');
  return field === undefined ? undefined : invalid(field, `${field} must be a boolean`);
}

/**
 * Validates a `POST /instances` body against the spec and the tenant's offer.
 *
 * @example
 * ```ts
 * const checked = validateCreate(incoming.body, options.tenants);
 * if (!checked.ok) return checked.reply;
 * ```
 */
export function validateCreate(
  body: unknown,
  tenants: readonly Required<TenantSeed>[],
):
  | { ok: true; spec: MockInstanceSpec; configuration: InstanceConfiguration }
  | { ok: false; reply: Reply } {
  const fail = (reply: Reply) => ({ ok: false as const, reply });
  if (!isObject(body)) return fail(auraError(400, 'invalid-request', 'Body must be a JSON object'));
  const missing = REQUIRED.find((f) => typeof body[f] !== 'string');
  if (missing !== undefined) return fail(invalid(missing, `${missing} is required (a string)`));
  const problem = nameProblem(body.name);
  if (problem) return fail(invalid('name', problem));
  if (!CLOUD_PROVIDERS.includes(body.cloud_provider as CloudProvider)) {
    return fail(invalid('cloud_provider', `cloud_provider must be one of ${CLOUD_PROVIDERS}`));
  }
  if (!INSTANCE_TYPES.includes(body.type as InstanceType)) {
    return fail(invalid('type', `type must be one of ${INSTANCE_TYPES}`));
  }
  const badFlag = flagProblem(body);
  if (badFlag) return fail(badFlag);
  const tenant = tenants.find((t) => t.id === body.tenant_id);
  if (!tenant) {
    // The spec lists no 404 for this operation; the reason is the one Aura uses.
    return fail(
      auraError(
        400,
        'tenant-not-found',
        'The tenant you specified could not be found',
        'tenant_id',
      ),
    );
  }
  const spec: MockInstanceSpec = {
    name: body.name as string,
    tenantId: tenant.id,
    cloudProvider: body.cloud_provider as CloudProvider,
    region: body.region as string,
    type: body.type as InstanceType,
    memory: body.memory as string,
    version: body.version as string,
    vectorOptimized: body.vector_optimized === true,
    graphAnalyticsPlugin: body.graph_analytics_plugin === true,
  };
  const found = findConfiguration(tenant, spec);
  return found.ok ? { ok: true, spec, configuration: found.configuration } : fail(found.reply);
}

/**
 * Narrows the tenant's configurations field by field, so the 400 names the
 * first field the tenant does not offer.
 */
function findConfiguration(
  tenant: Required<TenantSeed>,
  spec: MockInstanceSpec,
): { ok: true; configuration: InstanceConfiguration } | { ok: false; reply: Reply } {
  const steps = [
    ['cloud_provider', (c: InstanceConfiguration) => c.cloudProvider === spec.cloudProvider],
    ['region', (c: InstanceConfiguration) => c.region === spec.region],
    ['type', (c: InstanceConfiguration) => c.type === spec.type],
    ['version', (c: InstanceConfiguration) => c.version === spec.version],
    ['memory', (c: InstanceConfiguration) => c.memory === spec.memory],
  ] as const;
  let candidates = tenant.instanceConfigurations;
  const wanted: Record<string, string> = {
    cloud_provider: spec.cloudProvider,
    region: spec.region,
    type: spec.type,
    version: spec.version,
    memory: spec.memory,
  };
  for (const [field, accepts] of steps) {
    candidates = candidates.filter(accepts);
    if (candidates.length === 0) {
      const message = `Tenant ${tenant.id} does not offer ${field} ${wanted[field]} for this configuration`;
      return { ok: false, reply: invalid(field, message) };
    }
  }
  return { ok: true, configuration: candidates[0] as InstanceConfiguration };
}

/** The changes a valid `PATCH /instances/{id}` asks for. */
export interface InstancePatch {
  name?: string;
  memory?: string;
  storage?: string;
  vectorOptimized?: boolean;
  graphAnalyticsPlugin?: boolean;
}

/**
 * Validates a `PATCH /instances/{id}` body: the name rule, sizes the tenant
 * offers for the instance's cloud, region, type and version, boolean flags.
 *
 * @example
 * ```ts
 * const checked = validatePatch({ memory: '4GB' }, offered);
 * ```
 */
export function validatePatch(
  body: unknown,
  offered: readonly InstanceConfiguration[],
): { ok: true; patch: InstancePatch } | { ok: false; reply: Reply } {
  const fail = (reply: Reply) => ({ ok: false as const, reply });
  if (!isObject(body)) return fail(auraError(400, 'invalid-request', 'Body must be a JSON object'));
  const patch: InstancePatch = {};
  if (body.name !== undefined) {
    const problem = nameProblem(body.name);
    if (problem) return fail(invalid('name', problem));
    patch.name = body.name as string;
  }
  for (const field of ['memory', 'storage'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (!offered.some((c) => c[field] === value)) {
      return fail(invalid(field, `${field} ${String(value)} is not offered for this instance`));
    }
    patch[field] = value as string;
  }
  const badFlag = flagProblem(body);
  if (badFlag) return fail(badFlag);
  if (body.vector_optimized !== undefined) patch.vectorOptimized = body.vector_optimized as boolean;
  if (body.graph_analytics_plugin !== undefined) {
    patch.graphAnalyticsPlugin = body.graph_analytics_plugin as boolean;
  }
  if (Object.keys(patch).length === 0) {
    return fail(auraError(400, 'invalid-request', 'Nothing to update'));
  }
  return { ok: true, patch };
}
