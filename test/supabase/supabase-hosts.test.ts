import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../src/records/errors.js';
import { newHostRecord } from '../../src/records/host-record.js';
import { SupabaseCredentialStore } from '../../src/stores/supabase-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { auraHostsTable, userDatabasesTable } from '../support/postgrest-schema.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { rejectionOf, sentRequests, visible } from './fixtures.js';

const { setup } = usePostgrestMock();

const SELECT =
  'host_name,status,version,instance_id,connection_url,username,encrypted_password,capacity,used,attempts,last_error,next_check_at,create_requested_at,ready_at,created_at,updated_at,default_database_ids,slot_released_at';
const CIPHERTEXT = 'v1:k1:c2VjcmV0LWl2:c2VjcmV0LWhvc3QtY2lwaGVy';
const NEO4J_URI = 'neo4j+s://a1b2c3d4.databases.neo4j.io';

function world(options: { key?: string; schema?: string; hostsTable?: string } = {}) {
  const schema = options.schema ? { schema: options.schema } : {};
  const hosts = auraHostsTable(schema);
  const mock = setup({
    tables: [
      userDatabasesTable(schema),
      options.hostsTable ? { ...hosts, name: options.hostsTable } : hosts,
    ],
    exposedSchemas: ['public', 'app'],
  });
  const clock = createTestClock();
  const store = new SupabaseCredentialStore({
    client: createServiceClient(mock, options.key ? { key: options.key } : {}),
    clock,
    ...schema,
    ...(options.hostsTable ? { hostsTable: options.hostsTable } : {}),
  });
  return { mock, clock, store, sent: () => sentRequests(mock) };
}

describe('what SupabaseCredentialStore sends for host records', () => {
  it('claims a host with one insert-if-absent on aura_hosts: on_conflict=host_name, ignore-duplicates', async () => {
    const { store, sent, clock } = world();
    await store.claimHost(newHostRecord('ap-host-0001', 20, { nextCheckAt: clock.now() + 500 }));
    const [claim, ...rest] = sent();
    expect(rest).toEqual([]);
    expect(claim).toMatchObject({
      request: `POST aura_hosts?on_conflict=host_name&select=${SELECT}`,
      prefer: ['resolution=ignore-duplicates', 'return=representation'],
      profile: 'public',
    });
    expect(claim?.body).toMatchObject({
      host_name: 'ap-host-0001',
      version: 1,
      capacity: 20,
      used: 1,
      next_check_at: '2026-01-01T00:00:00.500Z',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reads the winner back after a lost claim, and updates with a PATCH filtered on host_name and version', async () => {
    const { store, sent, clock } = world();
    const first = await store.claimHost(newHostRecord('ap-host-0001', 20));
    expect(await store.claimHost(newHostRecord('ap-host-0001', 40))).toEqual({
      claimed: false,
      record: first.record,
    });
    await clock.advance(1_000);
    const sneaky = { used: 2, instanceId: undefined, hostName: 'x', version: 9 } as object;
    expect(await store.updateHost('ap-host-0001', 1, sneaky)).toMatchObject({
      hostName: 'ap-host-0001',
      used: 2,
      version: 2,
      updatedAt: clock.now(),
    });
    const requests = sent();
    expect(requests.map((r) => r.request)).toEqual([
      `POST aura_hosts?on_conflict=host_name&select=${SELECT}`,
      `POST aura_hosts?on_conflict=host_name&select=${SELECT}`,
      `GET aura_hosts?select=${SELECT}&host_name=eq.ap-host-0001`,
      `PATCH aura_hosts?host_name=eq.ap-host-0001&version=eq.1&select=${SELECT}`,
    ]);
    expect(requests[3]?.body).toEqual({
      used: 2,
      version: 2,
      updated_at: '2026-01-01T00:00:01.000Z',
    });
  });

  it('lists hosts in one GET ordered by host_name, and deletes with a version filter', async () => {
    const { store, sent } = world();
    await store.claimHost(newHostRecord('ap-host-0002', 20));
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    sent();
    expect((await store.listHosts()).map((host) => host.hostName)).toEqual([
      'ap-host-0001',
      'ap-host-0002',
    ]);
    expect(await store.deleteHost('ap-host-0001', 1)).toBe(true);
    expect(sent().map((r) => r.request)).toEqual([
      `GET aura_hosts?select=${SELECT}&order=host_name.asc&limit=999`,
      'DELETE aura_hosts?host_name=eq.ap-host-0001&version=eq.1&select=host_name',
    ]);
  });

  it('pages listHosts past PostgREST max-rows, each page after the last name', async () => {
    const { store, sent } = world();
    const names = Array.from(
      { length: 1_001 },
      (_, i) => `ap-host-${(i + 1).toString().padStart(4, '0')}`,
    );
    for (const name of names) await store.claimHost(newHostRecord(name, 20));
    sent();
    expect((await store.listHosts()).map((host) => host.hostName)).toEqual(names);
    expect(sent().map((r) => r.request)).toEqual([
      `GET aura_hosts?select=${SELECT}&order=host_name.asc&limit=999`,
      `GET aura_hosts?select=${SELECT}&host_name=gt.ap-host-0999&order=host_name.asc&limit=999`,
    ]);
  }, 60_000);

  it('uses the hostsTable option and the schema option', async () => {
    const { store, sent } = world({ schema: 'app', hostsTable: 'shared_hosts' });
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    expect(await store.getHost('ap-host-0001')).toMatchObject({ hostName: 'ap-host-0001' });
    expect(sent().map((r) => [r.request.split('?')[0], r.profile])).toEqual([
      ['POST shared_hosts', 'app'],
      ['GET shared_hosts', 'app'],
    ]);
  });

  it('rejects a bad hosts table name, or the user table as hosts table, at construction', () => {
    const mock = setup();
    const client = createServiceClient(mock);
    for (const options of [
      { hostsTable: 'bad-name' },
      { hostsTable: 'app.aura_hosts' },
      { table: 'aura_hosts' },
      { table: 'hosts', hostsTable: 'hosts' },
    ]) {
      expect(() => new SupabaseCredentialStore({ client, ...options })).toThrow(
        expect.objectContaining({ code: 'invalid_configuration' }),
      );
    }
  });

  it('rejects an empty host name and a bad version without a request', async () => {
    const { store, sent } = world();
    for (const promise of [
      store.getHost(''),
      store.claimHost(newHostRecord('', 20)),
      store.updateHost('ap-host-0001', 0, {}),
      store.deleteHost('ap-host-0001', -1),
    ]) {
      expect(isProvisioningError(await rejectionOf(promise), 'invalid_configuration')).toBe(true);
    }
    expect(sent()).toEqual([]);
  });
});

describe('SupabaseCredentialStore host failures', () => {
  it('maps a constraint error to a CredentialStoreError without the ciphertext or the URI', async () => {
    const { store } = world();
    await store.claimHost(newHostRecord('ap-host-0001', 20));
    const error = await rejectionOf(
      store.updateHost('ap-host-0001', 1, {
        used: -1,
        encryptedPassword: CIPHERTEXT,
        connectionUrl: NEO4J_URI,
      }),
    );
    expect(isProvisioningError(error, 'store_failure')).toBe(true);
    expect(error).toMatchObject({ name: 'CredentialStoreError', operation: 'updateHost' });
    expect(error.message).toContain('SQLSTATE 23514');
    expect(visible(error)).not.toContain(CIPHERTEXT);
    expect(visible(error)).not.toContain(NEO4J_URI);
  });

  it('says the anon key cannot use the hosts table (42501)', async () => {
    const mock = setup();
    const store = new SupabaseCredentialStore({
      client: createServiceClient(mock, { key: mock.anonKey }),
    });
    const error = await rejectionOf(store.listHosts());
    expect(error).toMatchObject({ name: 'CredentialStoreError', operation: 'listHosts' });
    expect(error.message).toMatch(/42501.*service-role client/);
    expect(visible(error)).not.toContain(mock.anonKey);
  });

  it('reports a missing hosts table (the hosts migration not applied) as a store failure', async () => {
    const mock = setup({ tables: [userDatabasesTable()] });
    const store = new SupabaseCredentialStore({ client: createServiceClient(mock) });
    const error = await rejectionOf(store.claimHost(newHostRecord('ap-host-0001', 20)));
    expect(error).toMatchObject({ name: 'CredentialStoreError', operation: 'claimHost' });
    expect(error.message).toContain('PGRST205');
  });
});
