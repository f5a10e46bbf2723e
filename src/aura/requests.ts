import * as z from 'zod/mini';
import { boolean, matching, nonBlank, oneOf, optional } from './checks.js';
import { AuraConfigurationError } from './errors/usage.js';
import { toIssues } from './issues.js';
import { CLOUD_PROVIDERS, INSTANCE_TYPES } from './schemas.js';

// Requests are checked before anything is sent: a bad name or memory size
// costs nothing locally and a round trip (and a rate-limit slot) remotely.

/** Aura's rule: 1–30 characters (code points), no leading or trailing white space. */
export const instanceName = z.string().check(
  z.refine((name) => [...name].length >= 1 && [...name].length <= 30, 'must be 1–30 characters'),
  z.refine((name) => name.trim() === name, 'must not start or end with white space'),
);

const memorySize = matching(/^\d+GB$/, 'must look like "1GB", "2GB", "8GB"');
const id = nonBlank('must not be empty');

const createShape = z.strictObject({
  name: instanceName,
  tenantId: id,
  type: oneOf(INSTANCE_TYPES),
  memory: memorySize,
  region: id,
  cloudProvider: oneOf(CLOUD_PROVIDERS),
  version: optional(matching(/^\d+$/, 'must be a major version such as "5"')),
  sourceInstanceId: optional(id),
  sourceSnapshotId: optional(id),
  customerManagedKeyId: optional(id),
  vectorOptimized: optional(boolean()),
  graphAnalyticsPlugin: optional(boolean()),
});

/**
 * What `instances.create` takes. `tenantId` defaults to the client's; `version` to "5", set by
 * an overwrite of the whole spec (z._default, or a pipe into a transform, would each add zod
 * kinds to the bundle). The overwrite runs only when the fields parsed without a type error.
 */
export const createInstanceInput = createShape.check(
  z.overwrite((spec) => ({ ...spec, version: spec.version ?? '5' })),
) as unknown as z.ZodMiniType<
  z.output<typeof createShape> & { version: string },
  z.input<typeof createShape>
>;
export type CreateInstanceInput = z.input<typeof createInstanceInput>;

/** What `instances.update` takes: at least one field. */
export const updateInstanceInput = z
  .strictObject({
    name: optional(instanceName),
    memory: optional(memorySize),
    storage: optional(memorySize),
    vectorOptimized: optional(boolean()),
    graphAnalyticsPlugin: optional(boolean()),
  })
  .check(
    z.refine(
      (input) => Object.values(input).some((value) => value !== undefined),
      'give at least one field to change',
    ),
  );
export type UpdateInstanceInput = z.input<typeof updateInstanceInput>;

export const idInput = id;
export const snapshotDate = matching(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** Parses an argument or throws {@link AuraConfigurationError} naming the fields. */
export function checkInput<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AuraConfigurationError(`Invalid ${what}`, toIssues(result.error, what));
}
