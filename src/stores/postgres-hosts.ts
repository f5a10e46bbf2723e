import type { Clock } from '../kernel/clock.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import type {
  HostClaimResult,
  HostPatch,
  HostRecord,
  HostStore,
  NewHostRecord,
} from '../records/host-record.js';
import { insertOrRead } from './claim-loop.js';
import { POSTGRES_STORE_DEFAULTS, type TableName } from './postgres-columns.js';
import { parseRow } from './postgres-failure.js';
import { HOST_COLUMNS, HOST_PATCHABLE_FIELDS, type HostField } from './postgres-host-schema.js';
import { compareAndSetUpdate, firstRowValues, insertIfAbsentSql } from './postgres-row.js';
import { checkVersion } from './store-arguments.js';

/**
 * Runs one statement for a host operation and answers its rows; failures
 * become `CredentialStoreError`s with `secrets` cut out of the message.
 */
export type HostQuery = (
  operation: string,
  text: string,
  values: unknown[],
  secrets?: readonly unknown[],
) => Promise<Record<string, unknown>[]>;

/** Throws unless `hostName` is a non-empty string: nothing is sent for a bad one. */
export function checkHostName(hostName: unknown): asserts hostName is string {
  if (typeof hostName !== 'string' || hostName === '') {
    throw new ProvisioningConfigurationError('hostName must be a non-empty string');
  }
}

const q = (field: HostField) => HOST_COLUMNS.of(field).quoted;
const LIST = HOST_COLUMNS.list;

/**
 * The host records of `PostgresCredentialStore`, in their own table: the
 * same statements as the user records' (`insert ... on conflict do nothing`,
 * a compare-and-set `update ... where version = $2`), every value a parameter.
 */
export class PostgresHostTable implements HostStore {
  readonly #table: TableName;
  readonly #clock: Clock;
  readonly #query: HostQuery;

  constructor(table: TableName, clock: Clock, query: HostQuery) {
    this.#table = table;
    this.#clock = clock;
    this.#query = query;
  }

  async getHost(hostName: string): Promise<HostRecord | null> {
    checkHostName(hostName);
    return this.#select('getHost', hostName);
  }

  async claimHost(record: NewHostRecord): Promise<HostClaimResult> {
    checkHostName(record?.hostName);
    const now = this.#clock.now();
    const values = firstRowValues(HOST_COLUMNS, record, now);
    const insert = insertIfAbsentSql(this.#table, HOST_COLUMNS, 'hostName');
    const secrets = [record.encryptedPassword, record.connectionUrl];
    return insertOrRead(
      {
        operation: 'claimHost',
        userId: undefined,
        what: 'host record',
        attempts: POSTGRES_STORE_DEFAULTS.claimAttempts,
      },
      async () => {
        const [row] = await this.#query('claimHost', insert, values, secrets);
        return row === undefined ? undefined : parseHost('claimHost', row);
      },
      () => this.#select('claimHost', record.hostName),
    );
  }

  async updateHost(
    hostName: string,
    expectedVersion: number,
    patch: HostPatch,
  ): Promise<HostRecord | null> {
    checkHostName(hostName);
    checkVersion(expectedVersion);
    const { text, values } = compareAndSetUpdate(
      this.#table,
      HOST_COLUMNS,
      { key: 'hostName', value: hostName, expectedVersion },
      patch,
      HOST_PATCHABLE_FIELDS,
      this.#clock.now(),
    );
    const rows = await this.#query('updateHost', text, values, [
      patch?.encryptedPassword,
      patch?.connectionUrl,
    ]);
    return rows[0] === undefined ? null : parseHost('updateHost', rows[0]);
  }

  async deleteHost(hostName: string, expectedVersion?: number): Promise<boolean> {
    checkHostName(hostName);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const versionCheck = expectedVersion === undefined ? '' : ` and ${q('version')} = $2`;
    const rows = await this.#query(
      'deleteHost',
      `delete from ${this.#table.qualified} where ${q('hostName')} = $1${versionCheck} returning ${q('hostName')}`,
      expectedVersion === undefined ? [hostName] : [hostName, expectedVersion],
    );
    return rows.length > 0;
  }

  async listHosts(): Promise<HostRecord[]> {
    const rows = await this.#query(
      'listHosts',
      `select ${LIST} from ${this.#table.qualified} order by ${q('hostName')} asc`,
      [],
    );
    return rows.map((row) => parseHost('listHosts', row));
  }

  async #select(operation: string, hostName: string): Promise<HostRecord | null> {
    const rows = await this.#query(
      operation,
      `select ${LIST} from ${this.#table.qualified} where ${q('hostName')} = $1`,
      [hostName],
    );
    return rows[0] === undefined ? null : parseHost(operation, rows[0]);
  }
}

/** Reads a host row; one that does not parse is a `CredentialStoreError` naming the column. */
export function parseHost(operation: string, row: Record<string, unknown>): HostRecord {
  return parseRow<HostRecord>(operation, undefined, row, HOST_COLUMNS.all);
}
