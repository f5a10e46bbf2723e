/**
 * Validation of a v2beta1 instance create body. Stricter than Aura may be:
 * a field outside the documented body is refused, so a client that sends v1
 * fields (`version`, `tenant_id`) is caught by its tests.
 */
import { nameProblem } from '../instance-spec.js';
import type { CloudProvider, InstanceType } from '../model.js';
import type { Reply } from '../reply.js';
import { auraError } from '../reply.js';

const FIELDS = ['name', 'type', 'cloud_provider', 'region', 'memory', 'storage', 'multi_database'];
const CLOUD_PROVIDERS: readonly string[] = ['gcp', 'aws', 'azure'];
const TYPES: readonly string[] = [
  'enterprise-db',
  'enterprise-ds',
  'business-critical',
  'professional-db',
  'professional-ds',
  'free-db',
];
/** Several databases exist on Business Critical and Virtual Dedicated Cloud only. */
const MULTI_DATABASE_TYPES: readonly string[] = ['business-critical', 'enterprise-db'];
const SIZE = /^\d+GB$/;

/** A create body that passed. */
export interface ProjectInstanceSpec {
  name: string;
  type: InstanceType;
  cloudProvider: CloudProvider;
  region: string;
  memory: string;
  storage: string | undefined;
  multiDatabase: boolean;
}

const invalid = (field: string, message: string) =>
  auraError(400, 'invalid-request', message, field);

/**
 * Checks a `POST .../instances` body (v2beta1).
 *
 * @example
 * ```ts
 * const checked = validateProjectInstance(incoming.body);
 * if (!checked.ok) return checked.reply;
 * ```
 */
export function validateProjectInstance(
  body: unknown,
): { ok: true; spec: ProjectInstanceSpec } | { ok: false; reply: Reply } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reply: invalid('body', 'body must be an object') };
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((key) => !FIELDS.includes(key));
  if (unknown) return { ok: false, reply: invalid(unknown, `${unknown} is not a known field`) };
  const problem = nameProblem(b.name);
  if (problem) return { ok: false, reply: invalid('name', problem) };
  const checks: [string, boolean, string][] = [
    ['type', TYPES.includes(b.type as string), 'type is not a known instance type'],
    ['cloud_provider', CLOUD_PROVIDERS.includes(b.cloud_provider as string), 'unknown cloud'],
    ['region', typeof b.region === 'string' && b.region !== '', 'region is required'],
    ['memory', typeof b.memory === 'string' && SIZE.test(b.memory), 'memory must be like 4GB'],
    ['storage', b.storage === undefined || SIZE.test(String(b.storage)), 'storage like 8GB'],
    [
      'multi_database',
      b.multi_database === undefined || typeof b.multi_database === 'boolean',
      'multi_database must be a boolean',
    ],
  ];
  const failed = checks.find(([, ok]) => !ok);
  if (failed) return { ok: false, reply: invalid(failed[0], failed[2]) };
  const multiDatabase = b.multi_database === true;
  if (multiDatabase && !MULTI_DATABASE_TYPES.includes(b.type as string)) {
    return {
      ok: false,
      reply: invalid('type', 'multi_database needs business-critical or enterprise-db'),
    };
  }
  return {
    ok: true,
    spec: {
      name: b.name as string,
      type: b.type as InstanceType,
      cloudProvider: b.cloud_provider as CloudProvider,
      region: b.region as string,
      memory: b.memory as string,
      storage: b.storage as string | undefined,
      multiDatabase,
    },
  };
}
