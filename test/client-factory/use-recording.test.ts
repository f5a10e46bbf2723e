import { describe, expect, it } from 'vitest';
import { isUserClientError } from '../../src/client-factory/errors.js';
import { createUserQueryClients } from '../../src/index.js';
import type { DatabaseUse } from '../../src/records/store.js';
import { clientsOver, createWorld, settle } from './support.js';

/** A world whose store counts the recordUse calls and the uses in them. */
function recordingWorld() {
  const world = createWorld();
  const batches: DatabaseUse[][] = [];
  const recordUse = world.memory.recordUse.bind(world.memory);
  world.store.recordUse = async (uses) => {
    batches.push([...uses]);
    await recordUse(uses);
  };
  return { ...world, batches };
}

describe('recording use (recordUse option)', () => {
  it('is off by default: no store write however often clients are used', async () => {
    const t = clientsOver(recordingWorld());
    await t.putRecord('u1');
    for (let i = 0; i < 10; i++) await t.clients.driverFor('u1');
    await t.clock.advance(10_000);
    expect(t.batches).toEqual([]);
    await t.clients.closeAll();
  });

  it('batches uses in the background: one write per user per interval, never on the query path', async () => {
    const t = clientsOver(recordingWorld(), { recordUse: { intervalMs: 60_000 } });
    for (const user of ['a', 'b']) await t.putRecord(user);
    const started = t.clock.now();
    // Handed out at once, before any store write: the write is not awaited.
    for (let i = 0; i < 100; i++) await t.clients.driverFor(i % 2 ? 'a' : 'b');
    expect(t.batches).toEqual([]);
    await t.clock.advance(1_000);
    await settle();
    expect(t.batches).toEqual([
      [
        { userId: 'b', at: started },
        { userId: 'a', at: started },
      ],
    ]);
    // Used again within the interval: nothing written.
    await t.clock.advance(30_000);
    await t.clients.driverFor('a');
    await t.clock.advance(1_000);
    expect(t.batches).toHaveLength(1);
    // After it: one more write, for a only.
    await t.clock.advance(30_000);
    await t.clients.driverFor('a');
    const at = t.clock.now();
    await t.clock.advance(1_000);
    await settle();
    expect(t.batches.at(-1)).toEqual([{ userId: 'a', at }]);
    expect((await t.store.get('a'))?.lastUsedAt).toBe(at);
    expect((await t.store.get('b'))?.lastUsedAt).toBe(started);
    await t.clients.closeAll();
  });

  it('flushes what is noted on closeAll, and a failing store write never reaches the caller', async () => {
    const t = clientsOver(recordingWorld(), { recordUse: true });
    await t.putRecord('u1');
    t.store.recordUse = async () => {
      throw new Error('store down');
    };
    await t.clients.driverFor('u1');
    await t.clients.closeAll();
    const ok = clientsOver(recordingWorld(), { recordUse: true });
    await ok.putRecord('u1');
    await ok.clients.driverFor('u1');
    await ok.clients.closeAll();
    expect(ok.batches).toEqual([[{ userId: 'u1', at: ok.clock.now() }]]);
  });

  it('logs a failed write without the store error reaching anyone, and writes those users again at their next use', async () => {
    const warnings: string[] = [];
    const logger = {
      warn: (message: string, fields?: Record<string, unknown>) =>
        warnings.push(`${message} ${JSON.stringify(fields)}`),
    };
    const t = clientsOver(recordingWorld(), { recordUse: { intervalMs: 60_000 }, logger });
    await t.putRecord('u1');
    const recordUse = t.store.recordUse?.bind(t.store);
    let failures = 1;
    t.store.recordUse = async (uses) => {
      if (failures-- > 0) throw new Error('connection terminated');
      await recordUse?.(uses);
    };
    await t.clients.driverFor('u1');
    await t.clock.advance(1_000);
    await settle();
    expect(warnings).toEqual([
      'recording use failed; written again at the next use {"users":1,"error":"Error: connection terminated"}',
    ]);
    expect((await t.store.get('u1'))?.lastUsedAt).toBeNull();
    // Used again well within the interval: written this time, not an interval later.
    await t.clock.advance(5_000);
    await t.clients.driverFor('u1');
    const at = t.clock.now();
    await t.clock.advance(1_000);
    await settle();
    expect((await t.store.get('u1'))?.lastUsedAt).toBe(at);
    await t.clients.closeAll();
  });

  it('counts Query API clients too, and refuses the option for a store without recordUse', async () => {
    const t = recordingWorld();
    await t.putRecord('u1');
    const queries = createUserQueryClients({ ...t, recordUse: true });
    await queries.queryClientFor('u1');
    await queries.closeAll();
    expect(t.batches).toEqual([[{ userId: 'u1', at: t.clock.now() }]]);

    const { recordUse: _, ...withoutRecordUse } = t.store;
    let error: unknown;
    try {
      createUserQueryClients({ ...t, store: withoutRecordUse, recordUse: true });
    } catch (caught) {
      error = caught;
    }
    expect(isUserClientError(error, 'invalid_configuration')).toBe(true);
  });
});
