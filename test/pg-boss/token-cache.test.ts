import { setupServer } from 'msw/node';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuraClient, isAuraError } from '../../src/aura/index.js';
import type { CredentialCipher } from '../../src/records/cipher.js';
import { createPostgresTokenCache } from '../../src/scale/postgres-token-cache.js';
import { createAesGcmCipher, generateAesGcmKey } from '../../src/stores/cipher-aes-gcm.js';
import { createAuraMock, createTestClock, type TestClock } from '../../src/testing/index.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CREDENTIALS = { clientId: 'fleet-client', clientSecret: 'fleet-secret-0123456789' };

const server = setupServer();
let pool: pg.Pool;
const drops: (() => Promise<void>)[] = [];
beforeAll(() => {
  server.listen({ onUnhandledFrame: 'error' });
  pool = createTestPool();
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  for (const drop of drops) await drop();
  await pool.end();
});

/** The pool and cipher, their real-time work tracked by the simulated clock. */
function tracked(clock: TestClock) {
  const cipher = createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' });
  const trackedCipher: CredentialCipher = {
    encrypt: (plaintext, context) => clock.track(cipher.encrypt(plaintext, context)),
    decrypt: (sealed, context) => clock.track(cipher.decrypt(sealed, context)),
  };
  const client = {
    query: (text: string, values?: unknown[]) => clock.track(pool.query(text, values)),
  };
  return { client, cipher: trackedCipher };
}

/** A fake that refuses more than 15 token requests an hour, as Aura does, and `n` clients on it. */
async function fleet(n: number, shared: boolean) {
  const clock = createTestClock();
  const fake = createAuraMock({ clock, tokenRateLimit: { limit: 15, windowMs: HOUR } });
  server.resetHandlers(...fake.handlers);
  const { schema, drop } = await createTestSchema(pool);
  drops.push(drop);
  const { client, cipher } = tracked(clock);
  const tokenCache = createPostgresTokenCache({
    client,
    cipher,
    clock,
    table: `${schema}.aura_tokens`,
  });
  await tokenCache.migrate();
  const clients = Array.from(
    { length: n },
    () =>
      new AuraClient({
        ...CREDENTIALS,
        tenantId: 'tenant-1',
        clock,
        ...(shared ? { tokenCache } : {}),
      }),
  );
  return { clock, fake, clients, schema };
}

/** Each client calls once a minute for `minutes`; answers how many calls were served. */
async function callEveryMinute(world: Awaited<ReturnType<typeof fleet>>, minutes: number) {
  let served = 0;
  let failed = 0;
  for (let minute = 0; minute < minutes; minute++) {
    for (const aura of world.clients) {
      void aura.tenants.list().then(
        () => served++,
        () => failed++,
      );
    }
    await world.clock.advance(MINUTE);
  }
  await world.clock.advance(MINUTE);
  return { served, failed };
}

const tokenRequests = (world: Awaited<ReturnType<typeof fleet>>) =>
  world.fake.requests.filter((request) => request.path === '/oauth/token');

/** The most token requests that arrived in any hour. */
function busiestHour(arrivals: number[]): number {
  return Math.max(
    0,
    ...arrivals.map((at) => arrivals.filter((t) => t >= at && t < at + HOUR).length),
  );
}

describe('createPostgresTokenCache', () => {
  it('serves 16 clients for 3 hours with one token request an hour, none refused', async () => {
    const world = await fleet(16, true);
    const { served, failed } = await callEveryMinute(world, 180);
    expect({ served, failed }).toEqual({ served: 16 * 180, failed: 0 });
    const requests = tokenRequests(world);
    expect(requests.filter((request) => request.status !== 200)).toEqual([]);
    expect(busiestHour(requests.map((request) => request.at))).toBeLessThanOrEqual(2);
    expect(requests.length).toBeLessThanOrEqual(4);
  });

  it('keeps the token encrypted: the table holds no token Aura issued', async () => {
    const world = await fleet(2, true);
    await callEveryMinute(world, 2);
    const { rows } = await pool.query(`select token from "${world.schema}".aura_tokens`);
    expect(rows).toHaveLength(1);
    const issued = world.fake.requests.filter((r) => r.path === '/oauth/token');
    expect(issued).toHaveLength(1);
    expect(JSON.stringify(rows)).toMatch(/^\[\{"token":"v1:k1:/);
  });

  it("holds every client's token requests through a 429 another client met, then serves all", async () => {
    const world = await fleet(8, true);
    const match = { path: '/oauth/token' };
    world.fake.faults.failNext(1, { status: 429, retryAfter: 30, match });
    const started = world.clock.now();
    const calls = world.clients.map((aura) => aura.tenants.list());
    await world.clock.runUntil(Promise.all(calls));
    // The first token request met the 429; every client waited out its 30 s instead of asking.
    const requests = tokenRequests(world);
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    expect((requests[1]?.at ?? 0) - started).toBeGreaterThanOrEqual(30_000);
  });

  it('fails calls at once while a long token 429 holds, without asking Aura again', async () => {
    const world = await fleet(4, true);
    world.fake.faults.failNext(1, {
      status: 429,
      retryAfter: 600,
      match: { path: '/oauth/token' },
    });
    const outcomes = await world.clock.runUntil(
      Promise.all(
        world.clients.map((aura) => aura.tenants.list().catch((error: unknown) => error)),
      ),
    );
    expect(outcomes.every((outcome) => isAuraError(outcome, 'rate_limited'))).toBe(true);
    expect(tokenRequests(world)).toHaveLength(1);
  });

  it('is needed: without it, the same fleet is refused by the token endpoint', async () => {
    const world = await fleet(16, false);
    await callEveryMinute(world, 60);
    const refused = tokenRequests(world).filter((request) => request.status === 429);
    expect(refused.length).toBeGreaterThan(0);
  });
});
