import * as z from 'zod/mini';
import { type Clock, systemClock } from '../../../kernel/clock.js';
import type { CallOptions } from '../../call.js';
import { isAuraError } from '../../errors/base.js';
import { AuraCreateOutcomeUnknownError } from '../../errors/usage.js';
import { checkInput, instanceName } from '../../requests.js';
import { type CreateProjectInstanceInput, v2Requests } from '../../requests-v2.js';
import type { Instance } from '../../schemas.js';
import { envelope } from '../../schemas.js';
import {
  type CreatedProjectInstance,
  type ProjectInstance,
  type ProjectInstanceSummary,
  pageEnvelope,
  v2Wire,
  withStatus,
} from '../../schemas-v2.js';
import type { Transport } from '../../transport.js';
import { type WaitOptions, waitUntilRunning } from '../../wait.js';
import { toCamel, toSnake } from '../../wire.js';
import { paginate } from './paginate.js';
import { instancesPath, type ProjectRef } from './paths.js';

/** Failures after which a create may or may not have happened at Aura. */
export const AMBIGUOUS = new Set([
  'network',
  'timeout',
  'server_error',
  'invalid_response',
  'aborted',
]);

/** Options of the instance lists: the page size asked of Aura (`page_limit`). */
export interface ListPageOptions extends CallOptions {
  /** Instances per page; Aura's default when left out. */
  pageLimit?: number;
}

/** `project.instances`: instances of one project, through v2beta1 (multi-database ones included). */
export class ProjectInstancesResource {
  readonly #transport: Transport;
  readonly #ref: ProjectRef;

  readonly #clock: Clock;

  constructor(transport: Transport, ref: ProjectRef, clock: Clock = systemClock) {
    this.#clock = clock;
    this.#transport = transport;
    this.#ref = ref;
  }

  /**
   * Creates an instance in the project. `multiDatabase: true` (Business
   * Critical or Virtual Dedicated Cloud only) lets it hold several databases;
   * it cannot be switched on later. The password comes only in this answer.
   * Never retried blindly: only a 429 is retried. A timeout, a 5xx or a
   * dropped connection throws `AuraCreateOutcomeUnknownError` (its `tenantId`
   * is the project id): look the name up with `findByName` before creating again.
   *
   * @example
   * ```ts
   * const created = await project.instances.create({
   *   name: 'shared-1', type: 'business-critical', memory: '4GB',
   *   region: 'europe-west1', cloudProvider: 'gcp', multiDatabase: true,
   * });
   * const password = created.password.reveal();
   * ```
   */
  async create(
    input: CreateProjectInstanceInput,
    options?: CallOptions,
  ): Promise<CreatedProjectInstance> {
    const spec = checkInput(v2Requests().createProjectInstanceInput, input, 'instance spec');
    const path = instancesPath(this.#ref);
    try {
      const body = await this.#transport.call({
        method: 'POST',
        version: 'v2beta1',
        path,
        body: toSnake(spec),
        schema: envelope(v2Wire().createdProjectInstanceWire),
        safety: 'unsafe',
        options,
      });
      return withStatus(toCamel(body.data));
    } catch (error) {
      // Only a failure of the create request itself is ambiguous (see InstancesResource.create).
      if (isAuraError(error) && AMBIGUOUS.has(error.code) && error.path === `/v2beta1${path}`) {
        throw new AuraCreateOutcomeUnknownError(spec.name, this.#ref.projectId, error);
      }
      throw error;
    }
  }

  /**
   * Walks the project's instances page by page (`page_limit`, `page_token`,
   * `links.next`): each yielded array is one page.
   *
   * @example
   * ```ts
   * for await (const page of project.instances.pages({ pageLimit: 50 })) {
   *   for (const instance of page) console.log(instance.name, instance.status);
   * }
   * ```
   */
  pages(options: ListPageOptions = {}): AsyncGenerator<ProjectInstanceSummary[], void, undefined> {
    const { pageLimit: limit, ...callOptions } = options;
    if (limit !== undefined) checkInput(v2Requests().pageLimit, limit, 'pageLimit');
    const path = instancesPath(this.#ref);
    return paginate(async (token) => {
      const query = {
        page_limit: limit === undefined ? undefined : String(limit),
        page_token: token,
      };
      const body = await this.#transport.call({
        method: 'GET',
        version: 'v2beta1',
        path,
        query,
        schema: pageEnvelope(v2Wire().projectInstanceSummaryWire),
        safety: 'idempotent',
        options: callOptions,
      });
      return {
        items: toCamel(body.data).map(withStatus),
        links: body.links,
        context: { method: 'GET', path: `/v2beta1${path}` },
      };
    });
  }

  /**
   * Lists every instance of the project, all pages followed.
   *
   * @example
   * ```ts
   * const all = await project.instances.list();
   * ```
   */
  async list(options: ListPageOptions = {}): Promise<ProjectInstanceSummary[]> {
    const all: ProjectInstanceSummary[] = [];
    for await (const page of this.pages(options)) all.push(...page);
    return all;
  }

  /**
   * Finds instances by exact name, all pages searched: after an
   * `AuraCreateOutcomeUnknownError`, this says whether the create happened.
   *
   * @example
   * ```ts
   * const [existing] = await project.instances.findByName('shared-1');
   * ```
   */
  async findByName(name: string, options?: ListPageOptions): Promise<ProjectInstanceSummary[]> {
    checkInput(instanceName, name, 'name');
    return (await this.list(options)).filter((instance) => instance.name === name);
  }

  /**
   * Gets an instance; `status` is read from `legacy_status`, else `status`.
   *
   * @example
   * ```ts
   * const { status, multiDatabase } = await project.instances.get(id);
   * ```
   */
  async get(instanceId: string, options?: CallOptions): Promise<ProjectInstance> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: instancesPath(this.#ref, instanceId),
      schema: envelope(v2Wire().projectInstanceWire),
      safety: 'idempotent',
      options,
    });
    return withStatus(toCamel(body.data));
  }

  /**
   * Waits until the instance runs (a host must run before its databases can be
   * created), as `aura.instances.waitUntilRunning` does: a 404 right after the
   * create is tolerated for a while, `loading failed` or `destroying` stops it
   * with `AuraInstanceFailedError`, and one deadline bounds the whole wait.
   *
   * @example
   * ```ts
   * const host = await project.instances.create({ ...spec, multiDatabase: true });
   * await project.instances.waitUntilRunning(host.id, { timeoutMs: 15 * 60_000 });
   * ```
   */
  async waitUntilRunning(instanceId: string, options: WaitOptions = {}): Promise<ProjectInstance> {
    let last: ProjectInstance | undefined;
    await waitUntilRunning(
      instanceId,
      async (signal) => {
        last = await this.get(instanceId, { signal, priority: options.priority });
        // Aura may send no status at all: not running yet, as far as anyone can tell.
        return { ...last, status: last.status ?? 'creating' } as unknown as Instance;
      },
      this.#clock,
      options,
    );
    return last as ProjectInstance;
  }

  /**
   * Starts deleting an instance, with all its databases. Retried safely; when
   * it is retried, a `not_found` error also means the instance is gone.
   *
   * @example
   * ```ts
   * await project.instances.delete(id);
   * ```
   */
  async delete(instanceId: string, options?: CallOptions): Promise<void> {
    await this.#transport.call({
      method: 'DELETE',
      version: 'v2beta1',
      path: instancesPath(this.#ref, instanceId),
      schema: z.unknown(),
      safety: 'idempotent',
      options,
    });
  }
}
