import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { isUserClientError } from '../../src/client-factory/errors.js';
import { createUserClients, type UserClientsOptions } from '../../src/neo4j.js';
import type { ProvisioningListener } from '../../src/records/events.js';
import { clientsOver, createWorld, settle } from './support.js';

/** The world, a recording driver factory and a cache over them. */
const setup = (options: Partial<UserClientsOptions> = {}) => clientsOver(createWorld(), options);

describe('hits', () => {
  it('return the same driver without reading the store again', async () => {
    const t = setup();
    await t.putRecord('u1');
    const first = await t.clients.driverFor('u1');
    for (let i = 0; i < 100; i++) expect(await t.clients.driverFor('u1')).toBe(first);
    expect(t.counts).toEqual({ gets: 1, decrypts: 1 });
    expect(t.made).toHaveLength(1);
    await t.clients.closeAll();
  });

  it('1,000 concurrent first calls for one user do one store read and one decryption', async () => {
    const t = setup();
    await t.putRecord('u1');
    const drivers = await Promise.all(
      Array.from({ length: 1_000 }, () => t.clients.driverFor('u1')),
    );
    expect(new Set(drivers).size).toBe(1);
    expect(t.counts).toEqual({ gets: 1, decrypts: 1 });
    expect(t.made).toHaveLength(1);
    await t.clients.closeAll();
  });

  it('errors are not cached: a user who becomes ready gets a driver on the next call', async () => {
    const t = setup();
    await t.putRecord('u1', { status: 'creating' });
    await expect(t.clients.driverFor('u1')).rejects.toMatchObject({ code: 'not_ready' });
    await t.changeRecord('u1', { status: 'ready' });
    expect(await t.clients.driverFor('u1')).toBeInstanceOf(neo4j.Driver);
    await t.clients.closeAll();
  });
});

describe('eviction', () => {
  it('closes the least recently used driver beyond maxSize', async () => {
    const t = setup({ maxSize: 2 });
    for (const user of ['a', 'b', 'c']) await t.putRecord(user);
    const a = await t.clients.driverFor('a');
    await t.clients.driverFor('b');
    await t.clients.driverFor('a'); // a is now the most recently used
    await t.clients.driverFor('c');
    await settle();
    expect(t.clients.size).toBe(2);
    expect(t.made.map((m) => m.closes)).toEqual([0, 1, 0]); // b went
    expect(await t.clients.driverFor('a')).toBe(a);
    await t.clients.closeAll();
    expect(t.made.map((m) => m.closes)).toEqual([1, 1, 1]);
  });

  it('closes a driver idle for idleMs, on the clock, and not before', async () => {
    const t = setup({ idleMs: 60_000 });
    await t.putRecord('u1');
    await t.clients.driverFor('u1');
    await t.clock.advance(30_000);
    await t.clients.driverFor('u1'); // used: idle time starts again
    await t.clock.advance(59_999);
    expect(t.closed()).toBe(0);
    await t.clock.advance(1);
    await settle();
    expect(t.closed()).toBe(1);
    expect(t.clients.size).toBe(0);
    expect(t.clock.pendingTimers).toBe(0); // an empty cache holds no timer
    await t.clients.driverFor('u1');
    expect(t.made).toHaveLength(2);
    await t.clients.closeAll();
  });
});

describe('a driver in use is not closed under its user', () => {
  it('is not idle while a session is open; idle time counts from the session close', async () => {
    const t = setup({ idleMs: 60_000 });
    await t.putRecord('u1');
    const session = (await t.clients.driverFor('u1')).session();
    await t.clock.advance(120_000);
    await settle();
    expect(t.closed()).toBe(0);
    await session.close();
    await t.clock.advance(59_999);
    expect(t.closed()).toBe(0);
    await t.clock.advance(1);
    await settle();
    expect(t.closed()).toBe(1);
    await t.clients.closeAll();
  });

  it('waits for withDriver work to end before closing an invalidated driver', async () => {
    const t = setup();
    await t.putRecord('u1');
    let finish = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const work = t.clients.withDriver('u1', async (driver) => {
      started();
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return driver;
    });
    // Not a fixed number of turns: the first call decrypts with Web Crypto, which takes real time.
    await running;
    const invalidated = t.clients.invalidate('u1');
    await settle();
    expect(t.closed()).toBe(0);
    finish();
    await work;
    await invalidated;
    expect(t.closed()).toBe(1);
    await t.clients.closeAll();
  });

  it('keeps a driver with an open session past the cap, and evicts it once the session closes', async () => {
    const t = setup({ maxSize: 1 });
    await t.putRecord('a');
    await t.putRecord('b');
    const a = await t.clients.driverFor('a');
    const session = a.session();
    await t.clients.driverFor('b');
    await settle();
    expect(t.clients.size).toBe(2);
    expect(t.closed()).toBe(0);
    await session.close(); // a is used last: b, the least recently used, goes
    await settle();
    expect(t.clients.size).toBe(1);
    expect(t.made.map((m) => m.closes)).toEqual([0, 1]);
    await t.clients.closeAll();
  });

  it('closeAll({ graceMs }) also bounds the wait for drivers retired earlier with a longer grace', async () => {
    const t = setup({ closeGraceMs: 300_000 });
    await t.putRecord('u1');
    (await t.clients.driverFor('u1')).session(); // open, never closed
    void t.clients.invalidate('u1'); // retired: closes in 5 minutes at the latest
    let done = false;
    const closing = t.clients.closeAll({ graceMs: 1_000 }).then(() => {
      done = true;
    });
    await t.clock.advance(1_000);
    await settle();
    expect(done).toBe(true);
    expect(t.closed()).toBe(1);
    await t.clock.advance(300_000); // (lets a failing run end)
    await closing;
  });

  it('closes a driver whose session is never closed after closeGraceMs', async () => {
    const t = setup({ closeGraceMs: 10_000 });
    await t.putRecord('u1');
    (await t.clients.driverFor('u1')).session(); // leaked by the app
    void t.clients.invalidate('u1');
    await t.clock.advance(9_999);
    expect(t.closed()).toBe(0);
    await t.clock.advance(1);
    await settle();
    expect(t.closed()).toBe(1);
    await t.clients.closeAll();
  });
});

describe('a change of credentials or status', () => {
  it('replaces the driver after a password rotation made elsewhere, within revalidateMs', async () => {
    const t = setup({ revalidateMs: 1_000 });
    await t.putRecord('u1');
    const old = await t.clients.driverFor('u1');
    await t.changeRecord('u1', { password: 'rotated-password' });
    await t.clock.advance(1_000);
    expect(await t.clients.driverFor('u1')).toBe(old); // served at once; the record is read behind it
    await settle();
    const fresh = await t.clients.driverFor('u1');
    expect(fresh).not.toBe(old);
    expect(t.made[1]?.authToken.credentials).toBe('rotated-password');
    expect(t.made[0]?.closes).toBe(1);
    await t.clients.closeAll();
  });

  it('keeps serving the driver when the store fails a background read', async () => {
    const t = setup({ revalidateMs: 1_000 });
    await t.putRecord('u1');
    const driver = await t.clients.driverFor('u1');
    t.hooks.afterGet = () => Promise.reject(new Error('store down'));
    await t.clock.advance(1_000);
    await t.clients.driverFor('u1');
    await settle();
    expect(t.counts.gets).toBe(2);
    expect(await t.clients.driverFor('u1')).toBe(driver);
    expect(t.closed()).toBe(0);
    await t.clients.closeAll();
  });

  it('keeps the driver when the record changed but its connection did not', async () => {
    const t = setup({ revalidateMs: 1_000 });
    await t.putRecord('u1');
    const driver = await t.clients.driverFor('u1');
    await t.changeRecord('u1', { attempts: 2 });
    await t.clock.advance(1_000);
    await t.clients.driverFor('u1');
    await settle();
    expect(await t.clients.driverFor('u1')).toBe(driver);
    expect(t.made).toHaveLength(1);
    await t.clients.closeAll();
  });

  it('drops the driver of a record being deleted; the next call says why', async () => {
    const t = setup({ revalidateMs: 1_000 });
    await t.putRecord('u1');
    await t.clients.driverFor('u1');
    await t.changeRecord('u1', { status: 'deleting' });
    await t.clock.advance(1_000);
    await t.clients.driverFor('u1');
    await settle();
    expect(t.closed()).toBe(1);
    await expect(t.clients.driverFor('u1')).rejects.toMatchObject({
      name: 'NoUserDatabaseError',
      status: 'deleting',
    });
    await t.clients.closeAll();
  });

  it('drops the driver at once on a provisioning event for the user', async () => {
    const listeners = new Set<ProvisioningListener>();
    const events = {
      subscribe: (listener: ProvisioningListener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const t = setup({ events });
    await t.putRecord('u1');
    await t.putRecord('u2');
    const u2 = await t.clients.driverFor('u2');
    await t.clients.driverFor('u1');
    await t.memory.delete('u1');
    for (const listener of listeners) listener({ type: 'deprovisioned', at: 0, userId: 'u1' });
    await settle();
    expect(t.made[1]?.closes).toBe(1);
    await expect(t.clients.driverFor('u1')).rejects.toMatchObject({ code: 'no_database' });
    expect(await t.clients.driverFor('u2')).toBe(u2);
    await t.clients.closeAll();
    expect(listeners.size).toBe(0); // closeAll unsubscribes
  });

  it('a read in flight when the user is invalidated does not hand out stale credentials', async () => {
    const t = setup();
    await t.putRecord('u1');
    let answer = () => {};
    t.hooks.afterGet = () =>
      new Promise<void>((resolve) => {
        answer = resolve;
      });
    const pending = t.clients.driverFor('u1'); // reads the old record, whose answer is held back
    await settle();
    t.hooks.afterGet = undefined;
    await t.changeRecord('u1', { password: 'rotated-password' });
    void t.clients.invalidate('u1');
    answer();
    await pending;
    expect(t.counts.gets).toBe(2);
    expect(t.made.at(-1)?.authToken.credentials).toBe('rotated-password');
    expect(t.made.filter((m) => m.closes === 0)).toHaveLength(1);
    await t.clients.closeAll();
  });

  it('a stale read that lands after a newer one replaces its driver, which is closed, not leaked', async () => {
    const t = setup();
    await t.putRecord('u1');
    const answers: (() => void)[] = [];
    t.hooks.afterGet = () => new Promise<void>((resolve) => answers.push(resolve));
    const first = t.clients.driverFor('u1'); // read 1, held back
    await settle();
    void t.clients.invalidate('u1'); // read 1 is stale now
    const second = t.clients.driverFor('u1'); // read 2, held back
    await settle();
    expect(answers).toHaveLength(2);
    t.hooks.afterGet = undefined;
    answers[1]?.(); // read 2 answers first: its driver is cached
    await second;
    answers[0]?.(); // read 1 answers late: its caller reads again and gets a driver too
    await first;
    await settle();
    expect(t.made).toHaveLength(2);
    expect(t.clients.size).toBe(1);
    expect(t.made[0]?.closes).toBe(1); // the one it replaced
    await t.clients.closeAll();
    expect(t.made.map((m) => m.closes)).toEqual([1, 1]);
  });

  it('a refused login through withDriver drops the driver, so the next call reads the store', async () => {
    const t = setup();
    await t.putRecord('u1');
    const unauthorized = Object.assign(new Error('auth failed'), {
      code: 'Neo.ClientError.Security.Unauthorized',
    });
    await expect(t.clients.withDriver('u1', () => Promise.reject(unauthorized))).rejects.toBe(
      unauthorized,
    );
    await settle();
    expect(t.closed()).toBe(1);
    expect(t.clients.size).toBe(0);
    await t.clients.closeAll();
  });
});

describe('closeAll', () => {
  it('closes every driver and refuses later calls', async () => {
    const t = setup();
    for (const user of ['a', 'b', 'c']) await t.putRecord(user);
    for (const user of ['a', 'b', 'c']) await t.clients.driverFor(user);
    await t.clients.closeAll();
    expect(t.closed()).toBe(3);
    const error = await t.clients.driverFor('a').catch((e: unknown) => e);
    expect(isUserClientError(error, 'closed')).toBe(true);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('works with await using', async () => {
    const t = setup();
    await t.putRecord('u1');
    {
      await using clients = t.clients;
      await clients.driverFor('u1');
    }
    expect(t.closed()).toBe(1);
  });

  it('fails a first call in flight with UserClientsClosedError', async () => {
    const t = setup();
    await t.putRecord('u1');
    const pending = t.clients.driverFor('u1');
    await t.clients.closeAll();
    await expect(pending).rejects.toMatchObject({ name: 'UserClientsClosedError' });
    expect(t.made).toHaveLength(0);
  });
});

describe('options', () => {
  it.each([
    [{ maxSize: 0 }, /maxSize must be a positive integer/],
    [{ maxSize: 1.5 }, /maxSize/],
    [{ idleMs: -1 }, /idleMs must be a number of ms > 0/],
    [{ idleMs: 0 }, /idleMs must be a number of ms > 0/],
    [{ revalidateMs: Number.NaN }, /revalidateMs/],
  ])('refuses %o', (options, message) => {
    const world = createWorld();
    expect(() => createUserClients({ ...world, ...options })).toThrow(message);
  });

  it('an emptied cache holds no timer (nothing keeps the process alive)', async () => {
    const t = setup();
    await t.putRecord('u1');
    await t.clients.driverFor('u1');
    expect(t.clock.pendingTimers).toBe(1); // the idle sweeper
    await t.clients.invalidate('u1');
    await settle();
    expect(t.clock.pendingTimers).toBe(0);
    await t.clients.driverFor('u1'); // and it starts again
    expect(t.clock.pendingTimers).toBe(1);
    await t.clients.closeAll();
  });

  it('idleMs: Infinity never expires and holds no timer', async () => {
    const t = setup({ idleMs: Number.POSITIVE_INFINITY });
    await t.putRecord('u1');
    await t.clients.driverFor('u1');
    expect(t.clock.pendingTimers).toBe(0);
    await t.clock.advance(365 * 24 * 3_600_000);
    expect(t.closed()).toBe(0);
    await t.clients.closeAll();
  });
});
