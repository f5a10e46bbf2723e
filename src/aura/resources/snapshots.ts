import type { CallOptions } from '../call.js';
import { arrayOf } from '../checks.js';
import { checkInput, idInput, snapshotDate } from '../requests.js';
import {
  type Instance,
  instanceWire,
  type Snapshot,
  snapshotCreatedWire,
  snapshotWire,
} from '../schemas.js';
import type { Transport } from '../transport.js';
import { callForData } from './call-data.js';

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
    return callForData(this.#transport, {
      method: 'GET',
      path: path(instanceId),
      query: { date },
      schema: arrayOf(snapshotWire),
      safety: 'idempotent',
      options,
    });
  }

  /** Gets one snapshot. */
  async get(instanceId: string, snapshotId: string, options?: CallOptions): Promise<Snapshot> {
    const id = checkInput(idInput, snapshotId, 'snapshotId');
    return callForData(this.#transport, {
      method: 'GET',
      path: `${path(instanceId)}/${encodeURIComponent(id)}`,
      schema: snapshotWire,
      safety: 'idempotent',
      options,
    });
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
    return callForData(this.#transport, {
      method: 'POST',
      path: path(instanceId),
      body: {},
      schema: snapshotCreatedWire,
      safety: 'unsafe',
      options,
    });
  }

  /** Starts restoring the instance from a snapshot; the instance goes `restoring`. */
  async restore(instanceId: string, snapshotId: string, options?: CallOptions): Promise<Instance> {
    const id = checkInput(idInput, snapshotId, 'snapshotId');
    return callForData(this.#transport, {
      method: 'POST',
      path: `${path(instanceId)}/${encodeURIComponent(id)}/restore`,
      body: {},
      schema: instanceWire,
      safety: 'unsafe',
      options,
    });
  }
}
