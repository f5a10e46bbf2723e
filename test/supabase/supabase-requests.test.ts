import { describe, expect, it } from 'vitest';
import { SupabaseCredentialStore } from '../../src/stores/supabase-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { userDatabasesTable } from '../support/postgrest-schema.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { newRecord, sentRequests } from './fixtures.js';

const { setup } = usePostgrestMock();

const SELECT =
  'user_id,status,version,instance_name,instance_id,neo4j_uri,neo4j_user,neo4j_password,database_name,attempts,last_error,next_check_at,create_requested_at,ready_at,created_at,updated_at,placement,waiting_for_host_since,database_id,last_used_at';

function world(options: { schema?: string; table?: string } = {}) {
  const mock = setup({
    tables: [
      userDatabasesTable({
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.table ? { name: options.table } : {}),
      }),
    ],
    exposedSchemas: ['public', 'app'],
  });
  const clock = createTestClock();
  const store = new SupabaseCredentialStore({
    client: createServiceClient(mock),
    clock,
    ...options,
  });
  return { mock, clock, store, sent: () => sentRequests(mock) };
}

describe('what SupabaseCredentialStore sends', () => {
  it('claims with one insert-if-absent: on_conflict=user_id, ignore-duplicates, times from the clock', async () => {
    const { store, sent, clock } = world();
    await store.claim(newRecord('u1', { nextCheckAt: clock.now() + 500 }));
    const [claim, ...rest] = sent();
    expect(rest).toEqual([]);
    expect(claim).toMatchObject({
      request: `POST user_databases?on_conflict=user_id&select=${SELECT}`,
      prefer: ['resolution=ignore-duplicates', 'return=representation'],
      profile: 'public',
    });
    expect(claim?.body).toMatchObject({
      user_id: 'u1',
      version: 1,
      next_check_at: '2026-01-01T00:00:00.500Z',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('answers a lost claim with the winner read back: the insert returns no row, then one GET', async () => {
    const { store, sent } = world();
    const first = await store.claim(newRecord('u1'));
    sent();
    expect(await store.claim(newRecord('u1', { status: 'ready' }))).toEqual({
      claimed: false,
      record: first.record,
    });
    expect(sent().map((r) => r.request)).toEqual([
      `POST user_databases?on_conflict=user_id&select=${SELECT}`,
      `GET user_databases?select=${SELECT}&user_id=eq.u1`,
    ]);
  });

  it('updates with a PATCH filtered on user_id and version, sending version + 1 and the clock time', async () => {
    const { store, sent, clock } = world();
    await store.claim(newRecord('a,b'));
    await clock.advance(1_000);
    sent();
    const patch = { status: 'creating', instanceId: undefined, userId: 'x', version: 9 } as object;
    const updated = await store.update('a,b', 1, patch);
    expect(updated).toMatchObject({ userId: 'a,b', status: 'creating', version: 2 });
    expect(sent()).toEqual([
      {
        request: `PATCH user_databases?user_id=eq.a,b&version=eq.1&select=${SELECT}`,
        prefer: ['return=representation'],
        profile: 'public',
        body: { status: 'creating', version: 2, updated_at: '2026-01-01T00:00:01.000Z' },
      },
    ]);
  });

  it('deletes with a DELETE filtered on user_id, and on version when one is expected', async () => {
    const { store, sent } = world();
    await store.claim(newRecord('u1'));
    sent();
    expect(await store.delete('u1', 7)).toBe(false);
    expect(await store.delete('u1')).toBe(true);
    expect(sent().map((r) => [r.request, r.prefer])).toEqual([
      [
        'DELETE user_databases?user_id=eq.u1&version=eq.7&select=user_id',
        ['return=representation'],
      ],
      ['DELETE user_databases?user_id=eq.u1&select=user_id', ['return=representation']],
    ]);
  });

  it('lists with in, lte, order nulls last, one row over the page, and the keyset after a timed cursor', async () => {
    const { store, sent, clock } = world();
    const t = clock.now();
    for (const id of ['a', 'q"t', 'z']) await store.claim(newRecord(id, { nextCheckAt: t }));
    sent();
    const first = await store.list({ statuses: ['pending', 'failed'], dueBefore: t + 1, limit: 2 });
    expect(first.records.map((r) => r.userId)).toEqual(['a', 'q"t']);
    const second = await store.list({
      statuses: ['pending', 'failed'],
      dueBefore: t + 1,
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.records.map((r) => r.userId)).toEqual(['z']);
    const iso = '2026-01-01T00:00:00.000Z';
    const common = `select=${SELECT}&status=in.(pending,failed)&next_check_at=lte.2026-01-01T00:00:00.001Z`;
    expect(sent().map((r) => r.request)).toEqual([
      `GET user_databases?${common}&order=next_check_at.asc.nullslast,user_id.asc&limit=3`,
      `GET user_databases?${common}&or=(next_check_at.gt.${iso},next_check_at.is.null,and(next_check_at.eq.${iso},user_id.gt."q\\"t"))&order=next_check_at.asc.nullslast,user_id.asc&limit=3`,
    ]);
  });

  it('lists after a cursor without a time: only timeless records with a greater id', async () => {
    const { store, sent } = world();
    for (const id of ['a', 'b,c', 'd']) await store.claim(newRecord(id));
    sent();
    const first = await store.list({ limit: 2 });
    const second = await store.list({ limit: 2, cursor: first.nextCursor });
    expect([...first.records, ...second.records].map((r) => r.userId)).toEqual(['a', 'b,c', 'd']);
    expect(sent()[1]?.request).toBe(
      `GET user_databases?select=${SELECT}&next_check_at=is.null&user_id=gt.b,c&order=next_check_at.asc.nullslast,user_id.asc&limit=3`,
    );
  });

  it('sends nothing for an empty statuses list, a bad limit or a foreign cursor', async () => {
    const { store, sent } = world();
    expect(await store.list({ statuses: [] })).toEqual({ records: [] });
    await expect(store.list({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_configuration' });
    await expect(store.list({ cursor: 'nope!' })).rejects.toMatchObject({
      code: 'invalid_configuration',
    });
    await expect(store.get('')).rejects.toMatchObject({ code: 'invalid_configuration' });
    await expect(store.update('u1', 0, {})).rejects.toMatchObject({
      code: 'invalid_configuration',
    });
    expect(sent()).toEqual([]);
  });

  it('names its schema in the profile headers and uses the configured table', async () => {
    const { store, sent } = world({ schema: 'app', table: 'aura_databases' });
    await store.claim(newRecord('u1'));
    await store.get('u1');
    expect(sent().map((r) => [r.request.split('?')[0], r.profile])).toEqual([
      ['POST aura_databases', 'app'],
      ['GET aura_databases', 'app'],
    ]);
  });
});
