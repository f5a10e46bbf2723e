import * as z from 'zod/mini';
import type { InstanceStatus } from './schemas.js';
import { Secret } from './secret.js';
import type { Camelize } from './wire.js';

// The v2beta1 answers, parsed leniently like v1's: unknown fields pass through, and only
// what the SDK relies on is required. Much of v2beta1 is undocumented (see MULTI_DATABASE.md):
// the status of a database and most of its fields are UNKNOWN, so they are optional here.

// Built on first use, not at import: module-level zod calls count as side effects to a
// bundler, which would then ship these schemas to every app that imports only `AuraClient`.
function buildV2Wire() {
  const organizationWire = z.looseObject({ id: z.string(), name: z.optional(z.string()) });

  const projectWire = z.looseObject({ id: z.string(), name: z.optional(z.string()) });

  const status = z.optional(z.string() as z.ZodMiniType<InstanceStatus>);

  /** An item of `GET .../instances`: the Go SDK reads `status` here. */
  const projectInstanceSummaryWire = z.looseObject({
    id: z.string(),
    name: z.string(),
    status,
    legacy_status: status,
    cloud_provider: z.optional(z.string()),
    created_at: z.optional(z.string()),
  });

  /** `GET .../instances/{id}`: the Go SDK reads the status from `legacy_status`. */
  const projectInstanceWire = z.looseObject({
    id: z.string(),
    name: z.string(),
    status,
    legacy_status: status,
    connection_url: z.optional(z.string()),
    project_id: z.optional(z.string()),
    cloud_provider: z.optional(z.string()),
    region: z.optional(z.string()),
    type: z.optional(z.string()),
    memory: z.optional(z.string()),
    storage: z.optional(z.string()),
    multi_database: z.optional(z.boolean()),
    default_database_id: z.optional(z.string()),
    created_at: z.optional(z.string()),
  });

  /** The answer to a create: the only time the password is returned. */
  const createdProjectInstanceWire = z.looseObject({
    id: z.string(),
    name: z.optional(z.string()),
    connection_url: z.string(),
    username: z.string(),
    password: z.pipe(
      z.string(),
      z.transform((value) => new Secret(value)),
    ),
    project_id: z.optional(z.string()),
    default_database_id: z.optional(z.string()),
    multi_database: z.optional(z.boolean()),
    status,
    legacy_status: status,
    cloud_provider: z.optional(z.string()),
    region: z.optional(z.string()),
    type: z.optional(z.string()),
    created_at: z.optional(z.string()),
  });

  /**
   * A database of an instance. Only `id` is documented; `name`, `status` and
   * `created_at` are read when Aura sends them (UNKNOWN whether it does).
   */
  const databaseWire = z.looseObject({
    id: z.string(),
    name: z.optional(z.string()),
    status: z.optional(z.string()),
    created_at: z.optional(z.string()),
  });

  return {
    organizationWire,
    projectWire,
    projectInstanceSummaryWire,
    projectInstanceWire,
    createdProjectInstanceWire,
    databaseWire,
  };
}

/** `{ data: T[], links?: { next } }`: a page of a cursor-paginated list. */
export const pageEnvelope = <T extends z.ZodMiniType>(item: T) =>
  z.looseObject({ data: z.array(item), links: z.optional(z.unknown()) });

type V2Wire = ReturnType<typeof buildV2Wire>;
let wire: V2Wire | undefined;

/** The v2beta1 wire schemas (built once, on first use). */
export const v2Wire = (): V2Wire => {
  wire ??= buildV2Wire();
  return wire;
};

export type Organization = Camelize<z.output<V2Wire['organizationWire']>>;
export type Project = Camelize<z.output<V2Wire['projectWire']>>;
// An intersection, not Omit: Omit over a loose object's index signature would erase its keys.
type WithStatus<T> = T & {
  /** `legacy_status`, else `status`; `undefined` when Aura sent neither. May be newer than this SDK. */
  status: InstanceStatus | undefined;
};
/** An instance in a project's list (v2beta1). */
export type ProjectInstanceSummary = WithStatus<
  Camelize<z.output<V2Wire['projectInstanceSummaryWire']>>
>;
/** A project-scoped instance as `GET .../instances/{id}` describes it (v2beta1). */
export type ProjectInstance = WithStatus<Camelize<z.output<V2Wire['projectInstanceWire']>>>;
/** The answer to a v2beta1 create: the password (a {@link Secret}) is returned only here. */
export type CreatedProjectInstance = WithStatus<
  Camelize<z.output<V2Wire['createdProjectInstanceWire']>>
>;
/** A database inside a multi-database instance. Fields beyond `id` are UNKNOWN: all optional. */
export type Database = Camelize<z.output<V2Wire['databaseWire']>>;

/**
 * The status of a v2beta1 instance: `legacy_status` (v1's vocabulary, which
 * the Go SDK reads) wins over `status` (whose v2 vocabulary is not documented).
 *
 * @example
 * ```ts
 * withStatus({ id: 'a', name: 'n', legacyStatus: 'running', status: 'ready' }).status; // 'running'
 * ```
 */
export function withStatus<T extends { status?: InstanceStatus; legacyStatus?: InstanceStatus }>(
  value: T,
): WithStatus<T> {
  return { ...value, status: value.legacyStatus ?? value.status };
}
