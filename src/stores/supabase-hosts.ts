import type { Clock } from '../kernel/clock.js';
import type {
  HostClaimResult,
  HostPatch,
  HostRecord,
  HostStore,
  NewHostRecord,
} from '../records/host-record.js';
import { insertOrRead } from './claim-loop.js';
import { HOST_COLUMNS, HOST_PATCHABLE_FIELDS, type HostField } from './postgres-host-schema.js';
import { checkHostName, parseHost } from './postgres-hosts.js';
import { toParameter } from './postgres-row.js';
import { checkVersion } from './store-arguments.js';
import { claimRow } from './supabase-body.js';
import type { FilterBuilder, TableBuilder } from './supabase-builder.js';
import { SUPABASE_STORE_DEFAULTS } from './supabase-list.js';

/** Sends one request on the hosts table and answers its rows (failures: `CredentialStoreError`). */
export type HostRequest = (
  operation: string,
  secrets: readonly unknown[],
  build: (table: TableBuilder) => FilterBuilder,
) => Promise<Record<string, unknown>[]>;

const column = (field: HostField) => HOST_COLUMNS.of(field).column;
const SELECT = HOST_COLUMNS.all.map((c) => c.column).join(',');

/**
 * The host records of `SupabaseCredentialStore`, through PostgREST, as the
 * user records go: `claimHost` an upsert with `ignoreDuplicates` (`insert ...
 * on conflict (host_name) do nothing`), `updateHost` a PATCH filtered on
 * `host_name` and `version`.
 */
export class SupabaseHostTable implements HostStore {
  readonly #clock: Clock;
  readonly #request: HostRequest;

  constructor(clock: Clock, request: HostRequest) {
    this.#clock = clock;
    this.#request = request;
  }

  async getHost(hostName: string): Promise<HostRecord | null> {
    checkHostName(hostName);
    return this.#read('getHost', hostName);
  }

  async claimHost(record: NewHostRecord): Promise<HostClaimResult> {
    checkHostName(record?.hostName);
    const now = this.#clock.now();
    const row = claimRow(HOST_COLUMNS, record, now);
    const secrets = [record.encryptedPassword, record.connectionUrl];
    const onConflict = column('hostName');
    return insertOrRead(
      {
        operation: 'claimHost',
        userId: undefined,
        what: 'host record',
        attempts: SUPABASE_STORE_DEFAULTS.claimAttempts,
      },
      async () => {
        const [inserted] = await this.#request('claimHost', secrets, (table) =>
          table.upsert(row, { onConflict, ignoreDuplicates: true }).select(SELECT),
        );
        return inserted === undefined ? undefined : parseHost('claimHost', inserted);
      },
      () => this.#read('claimHost', record.hostName),
    );
  }

  /**
   * One PATCH filtered on `host_name` and `version`, which sends
   * `version: expectedVersion + 1` (PostgREST cannot say `version + 1`; the
   * filter makes it the same thing).
   */
  async updateHost(
    hostName: string,
    expectedVersion: number,
    patch: HostPatch,
  ): Promise<HostRecord | null> {
    checkHostName(hostName);
    checkVersion(expectedVersion);
    const body: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch ?? {})) {
      if (!HOST_PATCHABLE_FIELDS.has(field as HostField) || value === undefined) continue;
      const target = HOST_COLUMNS.of(field as HostField);
      body[target.column] = toParameter(target, value);
    }
    body[column('version')] = expectedVersion + 1;
    const updatedAt = HOST_COLUMNS.of('updatedAt');
    body[updatedAt.column] = toParameter(updatedAt, this.#clock.now());
    const secrets = [patch?.encryptedPassword, patch?.connectionUrl];
    const rows = await this.#request('updateHost', secrets, (table) =>
      table
        .update(body)
        .eq(column('hostName'), hostName)
        .eq(column('version'), expectedVersion)
        .select(SELECT),
    );
    return rows[0] === undefined ? null : parseHost('updateHost', rows[0]);
  }

  async deleteHost(hostName: string, expectedVersion?: number): Promise<boolean> {
    checkHostName(hostName);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const rows = await this.#request('deleteHost', [], (table) => {
      const request = table.delete().eq(column('hostName'), hostName);
      const guarded =
        expectedVersion === undefined ? request : request.eq(column('version'), expectedVersion);
      return guarded.select(column('hostName'));
    });
    return rows.length > 0;
  }

  /**
   * Every host, ordered by `host_name`: pages of 999 (PostgREST caps a read
   * at `max-rows`, 1,000 on Supabase), each after the last name of the one
   * before. Hosts are few: one request, as a rule.
   */
  async listHosts(): Promise<HostRecord[]> {
    const pageSize = SUPABASE_STORE_DEFAULTS.maxListLimit;
    const hosts: HostRecord[] = [];
    for (;;) {
      const after = hosts.at(-1)?.hostName;
      const rows = await this.#request('listHosts', [], (table) => {
        const request = table.select(SELECT);
        const rest = after === undefined ? request : request.gt(column('hostName'), after);
        return rest.order(column('hostName'), { ascending: true }).limit(pageSize);
      });
      hosts.push(...rows.map((row) => parseHost('listHosts', row)));
      if (rows.length < pageSize) return hosts;
    }
  }

  async #read(operation: string, hostName: string): Promise<HostRecord | null> {
    const rows = await this.#request(operation, [], (table) =>
      table.select(SELECT).eq(column('hostName'), hostName),
    );
    return rows[0] === undefined ? null : parseHost(operation, rows[0]);
  }
}
