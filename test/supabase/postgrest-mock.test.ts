import { describe, expect, it } from 'vitest';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';

const { setup } = usePostgrestMock();

const AT = '2026-01-01T00:00:00Z';
const row = (userId: string, fields: Record<string, unknown> = {}) => ({
  user_id: userId,
  status: 'pending',
  version: 1,
  instance_name: `aura-${userId}`,
  attempts: 0,
  next_check_at: null,
  created_at: AT,
  updated_at: AT,
  ...fields,
});

function world() {
  const mock = setup();
  const client = createServiceClient(mock, { retry: false });
  return { mock, client, table: () => client.from('user_databases') };
}

const ids = (data: unknown) => (data as { user_id: string }[]).map((r) => r.user_id);

describe('the PostgREST mock', () => {
  it("answers a duplicate key with 409 and PostgREST's error body", async () => {
    const { table } = world();
    expect((await table().insert(row('u1'))).status).toBe(201);
    const { status, error } = await table().insert(row('u1'));
    expect(status).toBe(409);
    expect(error).toEqual({
      code: '23505',
      details: 'Key (user_id)=(u1) already exists.',
      hint: null,
      message: 'duplicate key value violates unique constraint "user_databases_pkey"',
    });
  });

  it('returns rows only with return=representation, timestamps as Postgres renders them', async () => {
    const { table } = world();
    const minimal = await table().insert(row('u1'));
    expect([minimal.status, minimal.data]).toEqual([201, null]);
    const full = await table()
      .insert(row('u2', { next_check_at: '2026-01-01T01:00:00.500+01:00' }))
      .select('user_id,next_check_at,created_at');
    expect(full.data).toEqual([
      {
        user_id: 'u2',
        next_check_at: '2026-01-01T00:00:00.5+00:00',
        created_at: '2026-01-01T00:00:00+00:00',
      },
    ]);
  });

  it('upserts: ignore-duplicates keeps the row, merge-duplicates sets the payload columns', async () => {
    const { table } = world();
    await table().insert(row('u1', { attempts: 1 }));
    const ignored = await table()
      .upsert(row('u1', { attempts: 5 }), { onConflict: 'user_id', ignoreDuplicates: true })
      .select('attempts');
    expect([ignored.status, ignored.data]).toEqual([201, []]);
    const merged = await table()
      .upsert({ user_id: 'u1', attempts: 7 }, { onConflict: 'user_id' })
      .select('attempts,status');
    expect(merged.data).toEqual([{ attempts: 7, status: 'pending' }]);
  });

  it('fills missing keys of a bulk insert with null, or with the defaults under missing=default', async () => {
    const { table } = world();
    const partial = [row('u1'), { user_id: 'u2', status: 'pending', instance_name: 'aura-u2' }];
    const nulls = await table().insert(partial);
    expect(nulls.error).toMatchObject({ code: '23502' });
    expect(nulls.error?.message).toContain('null value in column "version"');
    const defaults = await table().insert(partial, { defaultToNull: false }).select('version');
    expect(defaults.data).toEqual([{ version: 1 }, { version: 1 }]);
  });

  it("filters with SQL's three-valued logic: a null matches neither gt nor not.gt", async () => {
    const { table } = world();
    await table().insert([row('a', { next_check_at: AT }), row('b')]);
    const withOr = (filter: string) => table().select('user_id').or(filter).order('user_id');
    expect(ids((await withOr(`next_check_at.gt.2025-01-01T00:00:00Z`)).data)).toEqual(['a']);
    expect(ids((await withOr(`next_check_at.not.gt.2025-01-01T00:00:00Z`)).data)).toEqual([]);
    expect(ids((await withOr('next_check_at.is.null,user_id.eq.a')).data)).toEqual(['a', 'b']);
    const nullsFirst = await table().select('user_id').order('next_check_at', { nullsFirst: true });
    expect(ids(nullsFirst.data)).toEqual(['b', 'a']);
  });

  it('reads quoted logic-tree values: commas, parentheses, quotes and backslashes', async () => {
    const { table } = world();
    const odd = ['a,b', 'c)', 'q"t', 'b\\s'];
    await table().insert(odd.map((id) => row(id)));
    for (const id of odd) {
      const quoted = `"${id.replace(/[\\"]/g, '\\$&')}"`;
      const { data } = await table().select('user_id').or(`user_id.eq.${quoted},user_id.eq.none`);
      expect(ids(data)).toEqual([id]);
    }
  });

  it('refuses UPDATE and DELETE without a filter, as pg-safeupdate does on Supabase', async () => {
    const { table } = world();
    await table().insert(row('u1'));
    const update = await table().update({ attempts: 1 });
    expect(update.error).toMatchObject({
      code: '21000',
      message: 'UPDATE requires a WHERE clause',
    });
    expect((await table().delete()).error).toMatchObject({ code: '21000' });
  });

  it('checks the payload against the schema cache before Postgres sees the select list', async () => {
    const { table } = world();
    const { status, error } = await table().insert({ user_id: 'u', bogus: 1 }).select('nope');
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST204');
    expect((await table().select('nope')).error).toMatchObject({
      code: '42703',
      message: 'column user_databases.nope does not exist',
    });
  });

  it('fails loudly, with a 500 it records, on requests it does not model', async () => {
    const { mock, table, client } = world();
    const answers = [
      await table().select('*').like('status', 'p%'),
      await table().select('id:user_id'),
      await table().select('*', { count: 'exact' }),
      await table().select('*').eq('user_id', 'u').single(),
      await table().select('*').lte('next_check_at', 'now'),
      await table().select('*').or('status.eq(any).{a,b}'),
      await client.rpc('claim_user'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([500, 500, 500, 500, 500, 500, 500]);
    expect(mock.misunderstood).toHaveLength(7);
    expect(mock.misunderstood[0]).toMatch(/modelled operator, not "like"/);
    mock.misunderstood.length = 0;
  });
});
