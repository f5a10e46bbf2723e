import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import type { UserDatabaseColumns } from '../../src/stores/postgres-columns.js';
import { SupabaseRequestError } from '../../src/stores/supabase-failure.js';
import {
  SupabaseCredentialStore,
  type SupabaseCredentialStoreOptions,
} from '../../src/stores/supabase-store.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { newRecord, rejectionOf, visible } from './fixtures.js';

const { server, setup } = usePostgrestMock();

const CIPHERTEXT = 'v1:k1:c2VjcmV0LWl2:c2VjcmV0LWNpcGhlcnRleHQ';
const NEO4J_URI = 'neo4j+s://a1b2c3d4.databases.neo4j.io';
const SECRET_RECORD = newRecord('user-1', {
  status: 'creating',
  connectionUrl: NEO4J_URI,
  encryptedPassword: CIPHERTEXT,
});

function world(options: { key?: string; retry?: boolean; columns?: UserDatabaseColumns } = {}) {
  const mock = setup();
  const client = createServiceClient(mock, options);
  const store = new SupabaseCredentialStore({
    client,
    ...(options.columns ? { columns: options.columns } : {}),
  });
  const secrets = [CIPHERTEXT, NEO4J_URI, mock.serviceRoleKey, mock.anonKey, mock.url];
  const expectNoSecret = (error: Error) => {
    for (const secret of secrets) expect(visible(error)).not.toContain(secret);
  };
  return { mock, store, expectNoSecret };
}

/** Makes every Data API request answer `response` (or fail at the network). */
const answerAll = (mockUrl: string, response: () => Response) =>
  server.use(http.all(`${mockUrl}/rest/v1/*`, response));

describe('SupabaseCredentialStore failures', () => {
  it('turns a 500 into a CredentialStoreError with the status, cause chained, URL and secrets cut', async () => {
    const { mock, store, expectNoSecret } = world();
    const message = `upstream at ${mock.url}/rest/v1 choked on ${CIPHERTEXT}`;
    answerAll(mock.url, () =>
      HttpResponse.json(
        { code: 'XX000', details: CIPHERTEXT, hint: null, message },
        { status: 500 },
      ),
    );
    const error = await rejectionOf(store.claim(SECRET_RECORD));
    expect(isProvisioningError(error, 'store_failure')).toBe(true);
    expect(error).toMatchObject({
      name: 'CredentialStoreError',
      operation: 'claim',
      userId: 'user-1',
    });
    expect(error.message).toBe(
      'Credential store claim failed: upstream at <url> choked on <redacted> (HTTP 500, SQLSTATE XX000)',
    );
    expect(error.cause).toBeInstanceOf(SupabaseRequestError);
    expect(error.cause).toMatchObject({ status: 500, code: 'XX000' });
    expectNoSecret(error);
  });

  it('reports a network failure as "no response", for writes and (without retries) reads', async () => {
    const { mock, store, expectNoSecret } = world({ retry: false });
    answerAll(mock.url, () => HttpResponse.error());
    for (const [operation, call] of [
      ['claim', () => store.claim(SECRET_RECORD)],
      ['update', () => store.update('user-1', 1, { encryptedPassword: CIPHERTEXT })],
      ['delete', () => store.delete('user-1')],
      ['get', () => store.get('user-1')],
      ['list', () => store.list()],
    ] as const) {
      const error = await rejectionOf(call());
      expect(error).toMatchObject({ name: 'CredentialStoreError', operation });
      expect(error.message).toBe(
        `Credential store ${operation} failed: TypeError: fetch failed (no response)`,
      );
      expectNoSecret(error);
    }
  });

  it("names the cause of a failed fetch from supabase-js' details, and nothing of its stack", () => {
    const details =
      'TypeError: fetch failed\n\nCaused by: Error: connect ECONNREFUSED 127.0.0.1:54321 (ECONNREFUSED)\nError: connect ECONNREFUSED\n    at TCPConnectWrap.afterConnect (node:net:1637:16)';
    const refused = new SupabaseRequestError({
      status: 0,
      error: { message: 'TypeError: fetch failed', details, hint: '', code: '' },
    });
    expect(refused.message).toBe(
      'TypeError: fetch failed (connect ECONNREFUSED 127.0.0.1:54321 (ECONNREFUSED))',
    );
    const bare = new SupabaseRequestError({
      status: 0,
      error: {
        message: 'TypeError: fetch failed',
        details: 'TypeError: fetch failed\n\nCaused by: Error: ',
      },
    });
    expect(bare.message).toBe('TypeError: fetch failed');
  });

  it('reports a wrong API key (the gateway 401) without the key', async () => {
    const { store, expectNoSecret } = world({ key: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoieCJ9.wrong' });
    const error = await rejectionOf(store.get('user-1'));
    expect(error.message).toBe('Credential store get failed: Invalid API key (HTTP 401)');
    expect(error.message).not.toContain('eyJ');
    expectNoSecret(error);
  });

  it('refuses the anon key: permission denied, with advice to use a service-role client', async () => {
    const { mock } = world();
    const store = new SupabaseCredentialStore({
      client: createServiceClient(mock, { key: mock.anonKey }),
    });
    const error = await rejectionOf(store.claim(SECRET_RECORD));
    expect(error.message).toBe(
      'Credential store claim failed: permission denied for table user_databases (HTTP 401, SQLSTATE 42501): the store needs a service-role client; the anon key cannot use this table',
    );
    expect(visible(error)).not.toContain(mock.anonKey);
  });

  it('reports a taken instance name (409, 23505) and a bad status (400, 23514) without the row', async () => {
    const { store, expectNoSecret } = world();
    await store.claim(newRecord('user-0', { instanceName: 'aura-user-1' }));
    const clash = await rejectionOf(store.claim(SECRET_RECORD));
    expect(clash.message).toBe(
      'Credential store claim failed: duplicate key value violates unique constraint "user_databases_instance_name_key" (HTTP 409, SQLSTATE 23505)',
    );
    const bad = await rejectionOf(
      store.update('user-0', 1, { status: 'bogus' as 'ready', encryptedPassword: CIPHERTEXT }),
    );
    expect(bad.message).toContain(
      'violates check constraint "user_databases_status_check" (HTTP 400, SQLSTATE 23514)',
    );
    // Postgres' detail echoes the whole row: it stays on the cause, out of every message.
    expect((bad.cause as SupabaseRequestError).details).toContain(CIPHERTEXT);
    expectNoSecret(clash);
    expectNoSecret(bad);
  });

  it('reports a columns mapping the table does not have (PGRST204 on write, 42703 on read)', async () => {
    const { store } = world({ columns: { instanceId: 'aura_instance_id' } });
    const write = await rejectionOf(store.claim(SECRET_RECORD));
    expect(write.message).toBe(
      "Credential store claim failed: Could not find the 'aura_instance_id' column of 'user_databases' in the schema cache (HTTP 400, PGRST204)",
    );
    const read = await rejectionOf(store.get('user-1'));
    expect(read.message).toContain(
      'column user_databases.aura_instance_id does not exist (HTTP 400, SQLSTATE 42703)',
    );
  });

  it('reports a missing table (404) and a schema the Data API does not expose (406)', async () => {
    const mock = setup();
    const client = createServiceClient(mock);
    const missing = new SupabaseCredentialStore({ client, table: 'user_dbs' });
    expect((await rejectionOf(missing.get('u'))).message).toContain('(HTTP 404, PGRST205)');
    const hidden = new SupabaseCredentialStore({ client, schema: 'private' });
    expect((await rejectionOf(hidden.get('u'))).message).toBe(
      'Credential store get failed: Invalid schema: private (HTTP 406, PGRST106)',
    );
  });

  it('reports answers that are not rows, naming the column but not its value', async () => {
    const { mock, store } = world();
    answerAll(mock.url, () => HttpResponse.json({ not: 'rows' }));
    expect((await rejectionOf(store.get('u'))).message).toBe(
      'Credential store get failed: PostgREST answered without rows',
    );
    answerAll(mock.url, () => HttpResponse.json([{ user_id: 'u', status: CIPHERTEXT }]));
    const error = await rejectionOf(store.list());
    expect(error.message).toMatch(/^Credential store list failed: unexpected row: column \w+/);
    expect(error.message).not.toContain(CIPHERTEXT);
  });

  it.each<[string, Partial<SupabaseCredentialStoreOptions>]>([
    ['no client', { client: undefined }],
    ['something that is not a supabase-js client', { client: {} as never }],
    ['a qualified table name (use schema)', { table: 'public.user_databases' }],
    ['a table name with a quote', { table: 'user_databases"' }],
    ['a schema with a space', { schema: 'my schema' }],
    ['an unknown field in columns', { columns: { instanceID: 'x' } as UserDatabaseColumns }],
    ['two fields on one column', { columns: { instanceId: 'status' } }],
    ['a filtered column named like a PostgREST parameter', { columns: { status: 'order' } }],
  ])('refuses %s', (_, options) => {
    const mock = setup();
    const build = () =>
      new SupabaseCredentialStore({
        client: createServiceClient(mock),
        ...options,
      } as SupabaseCredentialStoreOptions);
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(isProvisioningError(thrown, 'invalid_configuration')).toBe(true);
  });

  it('names the version a client older than supabase-js 2.32 lacks (no schema())', () => {
    const mock = setup();
    const client = createServiceClient(mock);
    const old = { from: client.from.bind(client) } as never;
    expect(() => new SupabaseCredentialStore({ client: old })).toThrow(
      'client must be a supabase-js client of version 2.32 or later (it has no schema())',
    );
  });
});
