import { describe, expect, it } from 'vitest';
import { createClientForUser, sharedUserClients } from '../../src/neo4j.js';
import { createWorld, recordingDriverFactory } from './support.js';

describe('createClientForUser', () => {
  it('shares one cache per store: the same driver on every call, one store read', async () => {
    const world = createWorld();
    await world.putRecord('u1');
    const { createDriver, made } = recordingDriverFactory();
    const options = { store: world.store, cipher: world.cipher, clock: world.clock, createDriver };
    const first = await createClientForUser('u1', options);
    const drivers = await Promise.all(
      Array.from({ length: 100 }, () => createClientForUser('u1', { ...options })),
    );
    expect(new Set([first, ...drivers]).size).toBe(1);
    expect(world.counts.gets).toBe(1);
    expect(made).toHaveLength(1);
    await sharedUserClients(options).closeAll();
    expect(made[0]?.closes).toBe(1);
  });

  it('makes a fresh cache after closeAll', async () => {
    const world = createWorld();
    await world.putRecord('u1');
    const options = { ...world, ...recordingDriverFactory() };
    const before = await createClientForUser('u1', options);
    await sharedUserClients(options).closeAll();
    const after = await createClientForUser('u1', options);
    expect(after).not.toBe(before);
    await sharedUserClients(options).closeAll();
  });

  it('keeps stores apart', async () => {
    const one = createWorld();
    const two = createWorld();
    await one.putRecord('u1');
    await two.putRecord('u1');
    const a = await createClientForUser('u1', one);
    const b = await createClientForUser('u1', two);
    expect(a).not.toBe(b);
    await sharedUserClients(one).closeAll();
    await sharedUserClients(two).closeAll();
  });

  it('refuses another cipher for a store that already has a cache', async () => {
    const world = createWorld();
    await world.putRecord('u1');
    await createClientForUser('u1', world);
    const otherCipher = { ...world.cipher };
    expect(() => sharedUserClients({ ...world, cipher: otherCipher })).toThrow(
      /another cipher for the same store/,
    );
    await sharedUserClients(world).closeAll();
  });
});
