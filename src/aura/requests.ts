import { z } from 'zod';
import { AuraConfigurationError } from './errors/usage.js';
import { CLOUD_PROVIDERS, INSTANCE_TYPES } from './schemas.js';

// Requests are checked before anything is sent: a bad name or memory size
// costs nothing locally and a round trip (and a rate-limit slot) remotely.

/** Aura's rule: 1–30 characters (code points), no leading or trailing white space. */
export const instanceName = z
  .string()
  .refine((name) => [...name].length >= 1 && [...name].length <= 30, 'must be 1–30 characters')
  .refine((name) => name.trim() === name, 'must not start or end with white space');

const memorySize = z.string().regex(/^\d+GB$/, 'must look like "1GB", "2GB", "8GB"');
const id = z.string().trim().min(1, 'must not be empty');

/** What `instances.create` takes. `tenantId` defaults to the client's. */
export const createInstanceInput = z.strictObject({
  name: instanceName,
  tenantId: id,
  type: z.enum(INSTANCE_TYPES),
  memory: memorySize,
  region: id,
  cloudProvider: z.enum(CLOUD_PROVIDERS),
  version: z.string().regex(/^\d+$/, 'must be a major version such as "5"').default('5'),
  sourceInstanceId: id.optional(),
  sourceSnapshotId: id.optional(),
  customerManagedKeyId: id.optional(),
  vectorOptimized: z.boolean().optional(),
  graphAnalyticsPlugin: z.boolean().optional(),
});
export type CreateInstanceInput = z.input<typeof createInstanceInput>;

/** What `instances.update` takes: at least one field. */
export const updateInstanceInput = z
  .strictObject({
    name: instanceName.optional(),
    memory: memorySize.optional(),
    storage: memorySize.optional(),
    vectorOptimized: z.boolean().optional(),
    graphAnalyticsPlugin: z.boolean().optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), {
    message: 'give at least one field to change',
  });
export type UpdateInstanceInput = z.input<typeof updateInstanceInput>;

export const idInput = id;
export const snapshotDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** Parses an argument or throws {@link AuraConfigurationError} naming the fields. */
export function checkInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AuraConfigurationError(
    `Invalid ${what}`,
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || what,
      message: issue.message,
    })),
  );
}
