/**
 * Validates bodies against the vendored Aura OpenAPI document, so tests can
 * prove the fake (and later the client's expectations) match the published
 * contract.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The outcome of a validation: `errors` name the failing JSON pointer and rule. */
export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

type Json = Record<string, unknown>;

const SPEC_ID = 'aura-api-v1';
const specPath = new URL('../fixtures/aura_api_spec_v1.yaml', import.meta.url);
const spec = parse(readFileSync(specPath, 'utf8')) as Json;

// strict: false ignores OpenAPI's `example` and unknown formats; `nullable` is built in.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
ajv.addSchema(spec, SPEC_ID);

const compiled = new Map<string, ValidateFunction>();
const validatorAt = (pointer: string) => {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
};

const pointerSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function resolvePointer(pointer: string): unknown {
  let node: unknown = spec;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Json | undefined)?.[key];
  }
  return node;
}

/** Follows `$ref`s between spec objects (responses), returning the target's pointer. */
function follow(pointer: string): string {
  const node = resolvePointer(pointer) as Json | undefined;
  const ref = node?.$ref;
  return typeof ref === 'string' && ref.startsWith('#') ? follow(ref.slice(1)) : pointer;
}

const templates = Object.keys(spec.paths as Json)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }))
  // Literal paths (`/instances/sizing`) win over templates (`/instances/{instanceId}`).
  .sort((a, b) => a.params - b.params);

function operationPointer(method: string, path: string): string | undefined {
  const bare = path.split('?')[0] ?? path;
  const found = templates.find((t) => t.regex.test(bare));
  if (!found) return undefined;
  const pointer = `/paths/${pointerSegment(found.template)}/${method.toLowerCase()}`;
  return resolvePointer(pointer) === undefined ? undefined : pointer;
}

function run(pointer: string, body: unknown): ValidationResult {
  const validate = validatorAt(pointer);
  if (validate(body)) return { ok: true };
  const errors = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
  );
  return { ok: false, errors };
}

const JSON_SCHEMA = '/content/application~1json/schema';

/**
 * Validates a response body against the operation's response for `status`
 * (falling back to `default`). `path` is below `/v1`.
 *
 * @example
 * ```ts
 * expect(validateResponse({ method: 'GET', path: '/tenants', status: 200, body })).toEqual({ ok: true });
 * ```
 */
export function validateResponse(input: {
  method: string;
  path: string;
  status: number;
  body: unknown;
}): ValidationResult {
  const operation = operationPointer(input.method, input.path);
  if (!operation) return { ok: false, errors: [`no operation ${input.method} ${input.path}`] };
  const responses = resolvePointer(`${operation}/responses`) as Json;
  const key = String(input.status) in responses ? String(input.status) : 'default';
  if (!(key in responses)) {
    return { ok: false, errors: [`${input.method} ${input.path} has no response ${input.status}`] };
  }
  const response = follow(`${operation}/responses/${key}`);
  const schema = `${response}${JSON_SCHEMA}`;
  if (resolvePointer(schema) === undefined) {
    return input.body === undefined
      ? { ok: true }
      : { ok: false, errors: [`response ${input.status} has no JSON body in the spec`] };
  }
  return run(schema, input.body);
}

/**
 * Validates a request body against the operation's `requestBody` schema.
 * `path` is below `/v1`.
 *
 * @example
 * ```ts
 * validateRequest({ method: 'POST', path: '/instances', body: { name: 'x' } }); // ok: false
 * ```
 */
export function validateRequest(input: {
  method: string;
  path: string;
  body: unknown;
}): ValidationResult {
  const operation = operationPointer(input.method, input.path);
  if (!operation) return { ok: false, errors: [`no operation ${input.method} ${input.path}`] };
  const schema = `${follow(`${operation}/requestBody`)}${JSON_SCHEMA}`;
  if (resolvePointer(schema) === undefined) {
    return input.body === undefined
      ? { ok: true }
      : { ok: false, errors: [`${input.method} ${input.path} takes no JSON body`] };
  }
  return run(schema, input.body);
}
