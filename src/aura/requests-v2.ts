import * as z from 'zod/mini';
import { matching, nonBlank, oneOf } from './checks.js';
import { instanceName, snapshotDate } from './requests.js';
import { CLOUD_PROVIDERS, INSTANCE_TYPES } from './schemas.js';

// v2beta1 requests, checked before anything is sent. The body is exactly the documented one:
// v2beta1 has refused v1 names and ignored v1 flags on some paths (MULTI_DATABASE.md).
// Built on first use, like the v2 wire schemas, to stay out of v1-only bundles.

/**
 * Neo4j's database naming rules: 3–63 characters, ASCII letters, digits, dots
 * and dashes, starting with a letter. (Names are case-insensitive.)
 */
export const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9.-]{2,62}$/;

function buildV2Requests() {
  const memorySize = matching(/^\d+GB$/, 'must look like "2GB", "4GB", "8GB"');
  const id = nonBlank('must not be empty');
  return {
    /** What `project.instances.create` takes. */
    createProjectInstanceInput: z.strictObject({
      name: instanceName,
      /** `business-critical` (or `enterprise-db`, Virtual Dedicated Cloud) for several databases. */
      type: oneOf(INSTANCE_TYPES),
      memory: memorySize,
      region: id,
      cloudProvider: oneOf(CLOUD_PROVIDERS),
      storage: z.optional(memorySize),
      /** Several databases in the instance; fixed at create time. */
      multiDatabase: z.optional(z.boolean()),
    }),
    databaseName: matching(
      DATABASE_NAME,
      'must be 3–63 ASCII letters, digits, dots or dashes, starting with a letter',
    ),
    /** What `billing.usage` takes: a period of whole days, `start` up to `end`. */
    billingUsageInput: z
      .strictObject({
        organizationId: z.optional(id),
        start: snapshotDate,
        end: snapshotDate,
      })
      .check(z.refine((input) => input.start <= input.end, 'start must not be after end')),
    /** Page size of cursor-paginated lists (`page_limit`). */
    pageLimit: z
      .number()
      .check(z.refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer')),
  };
}

type V2Requests = ReturnType<typeof buildV2Requests>;
let requests: V2Requests | undefined;

/** The v2beta1 request schemas (built once, on first use). */
export const v2Requests = (): V2Requests => {
  requests ??= buildV2Requests();
  return requests;
};

/** What `project.instances.create` takes. */
export type CreateProjectInstanceInput = z.input<V2Requests['createProjectInstanceInput']>;

/** What `billing.usage` takes: `start` and `end` as `YYYY-MM-DD`, and the organization. */
export type BillingUsageInput = z.input<V2Requests['billingUsageInput']>;
