import { describe, expect, it } from 'vitest';
import type { UserDatabaseRecord } from '../../src/records/record.js';
import type { CredentialStore, ListQuery, RecordPage } from '../../src/records/store.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { SupabaseCredentialStore } from '../../src/stores/supabase-store.js';
import { createTestClock } from '../../src/testing/test-clock.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { AWKWARD_IDS, newRecord } from './fixtures.js';

const { setup } = usePostgrestMock();

/** Every page of a query, cursors included, followed to the end. */
async function pages(store: CredentialStore, query: ListQuery): Promise<RecordPage[]> {
  const all: RecordPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...query, cursor });
    all.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined && all.length < 100);
  return all;
}

describe('SupabaseCredentialStore.list against the reference store', () => {
  it('pages through ties, null times and awkward ids exactly as MemoryCredentialStore does', async () => {
    const clock = createTestClock();
    const t = clock.now();
    const mock = setup();
    const supabase = new SupabaseCredentialStore({ client: createServiceClient(mock), clock });
    const memory = new MemoryCredentialStore({ clock });
    // Three times, ties within each, a third of the records without a time.
    const times = [t, null, t + 1, t, null, t - 1];
    const statuses = ['pending', 'creating', 'failed'] as const;
    for (const [i, id] of AWKWARD_IDS.entries()) {
      const record = newRecord(id, {
        nextCheckAt: times[i % times.length] ?? null,
        status: statuses[i % statuses.length],
      });
      await supabase.claim(record);
      await memory.claim(record);
    }
    const queries: ListQuery[] = [
      {},
      { statuses: ['pending', 'failed'] },
      { dueBefore: t },
      { dueBefore: t, statuses: ['creating'] },
    ];
    for (const query of queries) {
      for (const limit of [1, 2, 3, 5, 100]) {
        const expected = await pages(memory, { ...query, limit });
        expect(
          await pages(supabase, { ...query, limit }),
          JSON.stringify({ query, limit }),
        ).toEqual(expected);
      }
    }
    const everything = (await pages(memory, {})).flatMap((page) => page.records);
    expect(everything).toHaveLength(AWKWARD_IDS.length);
  });

  it('stays under PostgREST max-rows: pages of 999 ask for 1,000 rows, and none is lost', async () => {
    const mock = setup({ maxRows: 1_000 });
    const client = createServiceClient(mock);
    const at = '2026-01-01T00:00:00Z';
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      user_id: `user-${String(i).padStart(5, '0')}`,
      status: 'ready',
      version: 1,
      instance_name: `aura-${i}`,
      attempts: 0,
      next_check_at: i % 2 === 0 ? at : null,
      created_at: at,
      updated_at: at,
    }));
    const { error } = await client.from('user_databases').insert(rows);
    expect(error).toBeNull();
    mock.requests.length = 0;
    const store = new SupabaseCredentialStore({ client });
    const all = await pages(store, { limit: 5_000 });
    expect(all.map((page) => page.records.length)).toEqual([999, 999, 502]);
    const seen = all.flatMap((page) => page.records.map((r: UserDatabaseRecord) => r.userId));
    expect(new Set(seen).size).toBe(2_500);
    const limits = mock.requests.map((r) => r.params.find(([key]) => key === 'limit')?.[1]);
    expect(limits).toEqual(['1000', '1000', '1000']);
  });
});
