import type { CallOptions } from '../call.js';
import { arrayOf } from '../checks.js';
import { checkInput, idInput, snapshotDate } from '../requests.js';
import {
  envelope,
  type Instance,
  instanceWire,
  type Snapshot,
  snapshotCreatedWire,
  snapshotWire,
} from '../schemas.js';
import type { Transport } from '../transport.js';
import { toCamel } from '../wire.js';

const path = (instanceId: string) =>
  `/instances/${encodeURIComponent(checkInput(idInput, instanceId, 'instanceId'))}/snapshots`;

/** `aura.snapshots`: list, inspect, take and restore snapshots of an instance. */
export class SnapshotsResource {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists an instance's snapshots of one day (`YYYY-MM-DD`, default today).
   *
   * @example
   * ```ts
   * const snapshots = await aura.snapshots.list(instanceId, { date: '2026-11-24' });
   * ```
   */
  async list(
    instanceId: string,
    query: { date?: string } = {},
    options?: CallOptions,
  ): Promise<Snapshot[]> {
    const date =
      query.date === undefined ? undefined : checkInput(snapshotDate, query.date, 'date');
    const body = await this.#transport.call({
      method: 'GET',
      path: path(instanceId),
      query: { date },
      schema: envelope(arrayOf(snapshotWire)),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /** Gets one snapshot. */
  async get(instanceId: string, snapshotId: string, options?: CallOptions): Promise<Snapshot> {
    const id = checkInput(idInput, snapshotId, 'snapshotId');
    const body = await this.#transport.call({
      method: 'GET',
      path: `${path(instanceId)}/${encodeURIComponent(id)}`,
      schema: envelope(snapshotWire),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /**
   * Starts an on-demand snapshot. Not retried except on 429 (a retry could take two).
   *
   * @example
   * ```ts
   * const { snapshotId } = await aura.snapshots.create(instanceId);
   * ```
   */
  async create(instanceId: string, options?: CallOptions): Promise<{ snapshotId: string }> {
    const body = await this.#transport.call({
      method: 'POST',
      path: path(instanceId),
      body: {},
      schema: envelope(snapshotCreatedWire),
      safety: 'unsafe',
      options,
    });
    return toCamel(body.data);
  }

  /** Starts restoring the instance from a snapshot; the instance goes `restoring`. */
  async restore(instanceId: string, snapshotId: string, options?: CallOptions): Promise<Instance> {
    const id = checkInput(idInput, snapshotId, 'snapshotId');
    const body = await this.#transport.call({
      method: 'POST',
      path: `${path(instanceId)}/${encodeURIComponent(id)}/restore`,
      body: {},
      schema: envelope(instanceWire),
      safety: 'unsafe',
      options,
    });
    return toCamel(body.data);
  }
}
