import * as z from 'zod/mini';
import type { CallOptions } from '../../call.js';
import { isAuraError } from '../../errors/base.js';
import { AuraDatabaseCreateOutcomeUnknownError } from '../../errors/database-create.js';
import { AuraInvalidResponseError } from '../../errors/transport.js';
import { checkInput } from '../../requests.js';
import { v2Requests } from '../../requests-v2.js';
import { envelope } from '../../schemas.js';
import { type Database, pageEnvelope, v2Wire } from '../../schemas-v2.js';
import type { Transport } from '../../transport.js';
import { toCamel } from '../../wire.js';
import { paginate } from './paginate.js';
import { databasesPath, type ProjectRef } from './paths.js';
import { AMBIGUOUS } from './project-instances.js';

/**
 * `project.databases`: the databases inside a multi-database instance
 * (v2beta1, preview). Names follow Neo4j's rules and are case-insensitive.
 */
export class DatabasesResource {
  readonly #transport: Transport;
  readonly #ref: ProjectRef;

  constructor(transport: Transport, ref: ProjectRef) {
    this.#transport = transport;
    this.#ref = ref;
  }

  /**
   * Creates a database in an instance. Not idempotent, as far as anyone
   * knows, so never retried blindly (only a 429 is). A timeout, a 5xx or a
   * dropped connection throws `AuraDatabaseCreateOutcomeUnknownError`: call
   * `findByName(instanceId, name)` before creating again.
   *
   * @example
   * ```ts
   * const db = await project.databases.create(instanceId, 'u-0f3a9c');
   * ```
   */
  async create(instanceId: string, name: string, options?: CallOptions): Promise<Database> {
    const checked = checkInput(v2Requests().databaseName, name, 'database name');
    const path = databasesPath(this.#ref, instanceId);
    try {
      const body = await this.#transport.call({
        method: 'POST',
        version: 'v2beta1',
        path,
        body: { name: checked },
        schema: envelope(v2Wire().databaseWire),
        safety: 'unsafe',
        options,
      });
      return toCamel(body.data);
    } catch (error) {
      if (isAuraError(error) && AMBIGUOUS.has(error.code) && error.path === `/v2beta1${path}`) {
        throw new AuraDatabaseCreateOutcomeUnknownError(instanceId, checked, error);
      }
      throw error;
    }
  }

  /**
   * Lists the databases of an instance (`neo4j` included). Follows
   * `links.next` if Aura ever paginates this list.
   *
   * @example
   * ```ts
   * const names = (await project.databases.list(instanceId)).map((db) => db.name);
   * ```
   */
  async list(instanceId: string, options?: CallOptions): Promise<Database[]> {
    const path = databasesPath(this.#ref, instanceId);
    const all: Database[] = [];
    const pages = paginate(async (token) => {
      const body = await this.#transport.call({
        method: 'GET',
        version: 'v2beta1',
        path,
        query: { page_token: token },
        schema: pageEnvelope(v2Wire().databaseWire),
        safety: 'idempotent',
        options,
      });
      return {
        items: toCamel(body.data),
        links: body.links,
        context: { method: 'GET', path: `/v2beta1${path}` },
      };
    });
    for await (const page of pages) all.push(...page);
    return all;
  }

  /**
   * Finds the databases of an instance with this name, compared
   * case-insensitively as Neo4j does. If Aura lists a database without a name
   * (the fields of a database are not documented), this throws
   * `AuraInvalidResponseError` instead of answering "none": a wrong "none"
   * would lead to a second create.
   *
   * @example
   * ```ts
   * const [existing] = await project.databases.findByName(instanceId, 'u-0f3a9c');
   * ```
   */
  async findByName(instanceId: string, name: string, options?: CallOptions): Promise<Database[]> {
    const wanted = checkInput(v2Requests().databaseName, name, 'database name').toLowerCase();
    const all = await this.list(instanceId, options);
    const unnamed = all.findIndex((db) => typeof db.name !== 'string');
    if (unnamed !== -1) {
      throw new AuraInvalidResponseError(
        [{ path: `data.${unnamed}.name`, message: 'missing: databases cannot be matched by name' }],
        { request: { method: 'GET', path: `/v2beta1${databasesPath(this.#ref, instanceId)}` } },
      );
    }
    return all.filter((db) => db.name?.toLowerCase() === wanted);
  }

  /**
   * Gets one database of an instance. Its `status`, if any, is passed through
   * as Aura sends it (undocumented).
   *
   * @example
   * ```ts
   * const db = await project.databases.get(instanceId, databaseId);
   * ```
   */
  async get(instanceId: string, databaseId: string, options?: CallOptions): Promise<Database> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: databasesPath(this.#ref, instanceId, databaseId),
      schema: envelope(v2Wire().databaseWire),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /**
   * Deletes a database (its data with it). Retried safely; when it is retried,
   * a `not_found` error also means the database is gone. `neo4j` cannot be deleted.
   *
   * @example
   * ```ts
   * await project.databases.delete(instanceId, databaseId);
   * ```
   */
  async delete(instanceId: string, databaseId: string, options?: CallOptions): Promise<void> {
    await this.#transport.call({
      method: 'DELETE',
      version: 'v2beta1',
      path: databasesPath(this.#ref, instanceId, databaseId),
      schema: z.unknown(),
      safety: 'idempotent',
      options,
    });
  }
}
