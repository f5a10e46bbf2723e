import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import type { NewUserDatabaseRecord } from '../../src/records/record.js';
import { type PostgresClient, PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createTestPool } from '../support/postgres.js';

const CIPHERTEXT = 'v1:k1:c2VjcmV0LWl2:c2VjcmV0LWNpcGhlcnRleHQ';
const NEO4J_URI = 'neo4j+s://a1b2c3d4.databases.neo4j.io';

const record: NewUserDatabaseRecord = {
  userId: 'user-1',
  status: 'creating',
  placement: 'instance-per-user',
  instanceName: 'aura-user-1',
  instanceId: 'a1b2c3d4',
  connectionUrl: NEO4J_URI,
  username: 'neo4j',
  encryptedPassword: CIPHERTEXT,
  databaseName: 'neo4j',
  attempts: 1,
  lastError: null,
  nextCheckAt: null,
  waitingForHostSince: null,
  databaseId: null,
  createRequestedAt: null,
  readyAt: null,
};

async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error & { operation?: string; userId?: string },
  );

/** Everything an operator could see of the error. */
const visible = (error: Error) => `${error.message}\n${JSON.stringify(error)}\n${String(error)}`;

describe('PostgresCredentialStore failures', () => {
  it('gives a CredentialStoreError naming the operation when the server refuses', async () => {
    const url = `postgres://app:hunter2-db-password@127.0.0.1:${await unusedPort()}/app`;
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2_000 });
    const store = new PostgresCredentialStore({ client: pool });
    const error = await failure(store.claim(record));
    expect(isProvisioningError(error, 'store_failure')).toBe(true);
    expect(error).toMatchObject({
      name: 'CredentialStoreError',
      operation: 'claim',
      userId: 'user-1',
    });
    expect(error.message).toMatch(/^Credential store claim failed: .*ECONNREFUSED/);
    expect(error.cause).toBeInstanceOf(Error);
    for (const secret of ['hunter2', 'postgres://', CIPHERTEXT, NEO4J_URI]) {
      expect(visible(error)).not.toContain(secret);
    }
    await pool.end();
  });

  it('gives a CredentialStoreError for a pool that was closed', async () => {
    const pool = createTestPool();
    await pool.end();
    const store = new PostgresCredentialStore({ client: pool });
    for (const [operation, call] of [
      ['get', () => store.get('user-1')],
      ['update', () => store.update('user-1', 1, { encryptedPassword: CIPHERTEXT })],
      ['delete', () => store.delete('user-1')],
      ['list', () => store.list()],
      ['migrate', () => store.migrate()],
    ] as const) {
      const error = await failure(call());
      expect(error).toMatchObject({ name: 'CredentialStoreError', operation });
      expect(visible(error)).not.toContain(CIPHERTEXT);
    }
  });

  it('cuts URLs and the values being written out of a driver message that echoes them', async () => {
    const client: PostgresClient = {
      query: async () => {
        throw Object.assign(
          new Error(`boom at postgres://u:pw@db:5432/x writing ${CIPHERTEXT} for ${NEO4J_URI}`),
          { code: 'XX000', detail: `Failing row contains (${CIPHERTEXT})` },
        );
      },
    };
    const error = await failure(new PostgresCredentialStore({ client }).claim(record));
    expect(error.message).toBe(
      'Credential store claim failed: boom at <url> writing <redacted> for <url> (SQLSTATE XX000)',
    );
    expect(visible(error)).not.toMatch(/pw@|c2VjcmV0/);
  });

  it('reports a client that answers without rows', async () => {
    const client = { query: async () => ({}) } as unknown as PostgresClient;
    const error = await failure(new PostgresCredentialStore({ client }).get('user-1'));
    expect(error).toMatchObject({ name: 'CredentialStoreError', operation: 'get' });
    expect(error.message).toContain('without rows');
  });

  it('refuses a client without query()', () => {
    const build = () => new PostgresCredentialStore({ client: {} as PostgresClient });
    expect(build).toThrow(/query/);
  });
});
