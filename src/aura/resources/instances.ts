import * as z from 'zod/mini';
import type { Clock } from '../../kernel/clock.js';
import type { CallOptions } from '../call.js';
import { arrayOf, optional } from '../checks.js';
import { isAuraError } from '../errors/base.js';
import { AuraConfigurationError, AuraCreateOutcomeUnknownError } from '../errors/usage.js';
import {
  type CreateInstanceInput,
  checkInput,
  createInstanceInput,
  idInput,
  instanceName,
  type UpdateInstanceInput,
  updateInstanceInput,
} from '../requests.js';
import {
  type CreatedInstance,
  createdInstanceWire,
  type Instance,
  type InstanceSummary,
  instanceSummaryWire,
  instanceWire,
} from '../schemas.js';
import type { Transport } from '../transport.js';
import { type WaitOptions, waitUntilRunning } from '../wait.js';
import { toCamel, toSnake } from '../wire.js';
import { callForData } from './call-data.js';
import type { TenantsResource } from './tenants.js';

/** Failures after which a create may or may not have happened at Aura. */
const AMBIGUOUS = new Set(['network', 'timeout', 'server_error', 'invalid_response', 'aborted']);

const instancePath = (id: string) =>
  `/instances/${encodeURIComponent(checkInput(idInput, id, 'instanceId'))}`;

/** `aura.instances`: create, inspect, change and delete instances. */
export class InstancesResource {
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #defaultTenantId: string | undefined;
  readonly #tenants: Pick<TenantsResource, 'defaultId'>;

  constructor(
    transport: Transport,
    clock: Clock,
    defaultTenantId: string | undefined,
    tenants: Pick<TenantsResource, 'defaultId'>,
  ) {
    this.#transport = transport;
    this.#clock = clock;
    this.#defaultTenantId = defaultTenantId;
    this.#tenants = tenants;
  }

  /**
   * Lists instances (id, name, tenant; no status), in one tenant (`tenantId`,
   * else the client's) or, when the client has none either, in all.
   *
   * @example
   * ```ts
   * const all = await aura.instances.list({ tenantId: 'my-tenant' });
   * ```
   */
  async list(query: { tenantId?: string } = {}, options?: CallOptions): Promise<InstanceSummary[]> {
    const tenantId = query.tenantId ?? this.#defaultTenantId;
    return callForData(this.#transport, {
      method: 'GET',
      path: '/instances',
      query: { tenantId },
      schema: arrayOf(instanceSummaryWire),
      safety: 'idempotent',
      options,
    });
  }

  /**
   * Finds instances by exact name: after an `AuraCreateOutcomeUnknownError`,
   * this says whether the create happened. More than one match means duplicates.
   *
   * @example
   * ```ts
   * const [existing] = await aura.instances.findByName('user-4f1c');
   * ```
   */
  async findByName(
    name: string,
    query: { tenantId?: string } = {},
    options?: CallOptions,
  ): Promise<InstanceSummary[]> {
    checkInput(instanceName, name, 'name');
    const all = await this.list(query, options);
    return all.filter((instance) => instance.name === name);
  }

  /**
   * Gets an instance with its status. Right after a create this can answer
   * `AuraNotFoundError` for up to about a minute.
   *
   * @example
   * ```ts
   * const { status } = await aura.instances.get(id);
   * ```
   */
  async get(instanceId: string, options?: CallOptions): Promise<Instance> {
    return callForData(this.#transport, {
      method: 'GET',
      path: instancePath(instanceId),
      schema: instanceWire,
      safety: 'idempotent',
      options,
    });
  }

  /**
   * Creates an instance. Answers at once (status `creating`) with the
   * connection URL, the username and the password, which Aura returns only
   * here. Never retried blindly: only a 429 is retried. A timeout, a 5xx or
   * a dropped connection throws `AuraCreateOutcomeUnknownError`: look the
   * name up with `findByName` before creating again. The tenant is
   * `input.tenantId`, else the client's `tenantId`, else the only tenant the
   * credentials see (`aura.tenants.defaultId()`: looked up once; none or
   * several throw `AuraTenantRequiredError`, and nothing is created).
   *
   * @example
   * ```ts
   * const created = await aura.instances.create({
   *   name: 'user-4f1c', type: 'professional-db', memory: '1GB',
   *   region: 'europe-west1', cloudProvider: 'gcp',
   * });
   * const password = created.password.reveal();
   * ```
   */
  async create(
    input: Omit<CreateInstanceInput, 'tenantId'> & { tenantId?: string },
    options?: CallOptions,
  ): Promise<CreatedInstance> {
    // The spec is checked before the tenant is looked up: a bad spec sends nothing.
    const placeholder = input.tenantId ?? this.#defaultTenantId ?? 'looked-up';
    checkInput(createInstanceInput, { ...input, tenantId: placeholder }, 'instance spec');
    const tenantId = input.tenantId ?? (await this.#tenants.defaultId());
    const spec = checkInput(createInstanceInput, { ...input, tenantId }, 'instance spec');
    try {
      return await callForData(this.#transport, {
        method: 'POST',
        path: '/instances',
        body: toSnake(spec),
        schema: createdInstanceWire,
        safety: 'unsafe',
        options,
      });
    } catch (error) {
      // Only a failure of the create request itself is ambiguous: an abort before it
      // left carries no request, and a failed token request never reached /instances.
      if (isAuraError(error) && AMBIGUOUS.has(error.code) && error.path === '/v1/instances') {
        throw new AuraCreateOutcomeUnknownError(spec.name, spec.tenantId, error);
      }
      throw error;
    }
  }

  /**
   * Starts deleting an instance. Retried safely; when it is retried, a
   * `not_found` error also means the instance is gone.
   *
   * @example
   * ```ts
   * await aura.instances.delete(id).catch((e) => { if (!isAuraError(e, 'not_found')) throw e; });
   * ```
   */
  async delete(instanceId: string, options?: CallOptions): Promise<void> {
    await this.#transport.call({
      method: 'DELETE',
      path: instancePath(instanceId),
      schema: z.unknown(),
      safety: 'idempotent',
      options,
    });
  }

  /** Pauses a running instance (status `pausing`, then `paused`). */
  async pause(instanceId: string, options?: CallOptions): Promise<Instance> {
    return this.#action(instanceId, 'pause', options);
  }

  /** Resumes a paused instance (status `resuming`, then `running`). */
  async resume(instanceId: string, options?: CallOptions): Promise<Instance> {
    return this.#action(instanceId, 'resume', options);
  }

  /**
   * Renames or resizes an instance. Resolves with the instance when Aura
   * describes it (200), or `undefined` when it only accepted the change (202).
   *
   * @example
   * ```ts
   * await aura.instances.update(id, { memory: '2GB' });
   * ```
   */
  async update(
    instanceId: string,
    input: UpdateInstanceInput,
    options?: CallOptions,
  ): Promise<Instance | undefined> {
    const change = checkInput(updateInstanceInput, input, 'instance update');
    const body = await this.#transport.call({
      method: 'PATCH',
      path: instancePath(instanceId),
      body: toSnake(change),
      // 200 carries the instance, 202 an empty object. A `data` that is there must be an
      // instance: a union with a loose `{}` would let a broken one through unchecked.
      schema: z.looseObject({ data: optional(instanceWire) }),
      safety: 'idempotent',
      options,
    });
    return body.data === undefined ? undefined : toCamel(body.data);
  }

  /**
   * Waits until the instance is `running` and returns it. Tolerates the 404
   * that can follow a create, stops early on `loading failed` or
   * `destroying`, and gives up at the deadline.
   *
   * @example
   * ```ts
   * const ready = await aura.instances.waitUntilRunning(created.id, {
   *   timeoutMs: 15 * 60_000,
   *   onProgress: ({ status, elapsedMs }) => console.log(status, elapsedMs),
   * });
   * ```
   */
  async waitUntilRunning(instanceId: string, options: WaitOptions = {}): Promise<Instance> {
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
      throw new AuraConfigurationError('Invalid wait options', [
        { path: 'timeoutMs', message: 'must be a positive number of ms' },
      ]);
    }
    return waitUntilRunning(
      instanceId,
      (signal) => this.get(instanceId, { signal, priority: options.priority }),
      this.#clock,
      options,
    );
  }

  async #action(instanceId: string, action: 'pause' | 'resume', options?: CallOptions) {
    return callForData(this.#transport, {
      method: 'POST',
      path: `${instancePath(instanceId)}/${action}`,
      body: {},
      schema: instanceWire,
      safety: 'idempotent',
      options,
    });
  }
}
