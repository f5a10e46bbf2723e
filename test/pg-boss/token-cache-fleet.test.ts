import { setupServer } from 'msw/node';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuraClient } from '../../src/aura/index.js';
import { createProvisioner } from '../../src/provisioning/provisioner.js';
import type { CredentialCipher } from '../../src/records/cipher.js';
import { createPostgresTokenCache } from '../../src/scale/postgres-token-cache.js';
import { createAesGcmCipher, generateAesGcmKey } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { createTestPool, createTestSchema } from '../support/postgres.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SPEC = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;

const server = setupServer();
let pool: pg.Pool;
let drop: () => Promise<void> = async () => {};
beforeAll(() => {
  server.listen({ onUnhandledFrame: 'error' });
  pool = createTestPool();
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await drop();
  await pool.end();
});

describe('16 provisioners sharing a Postgres token cache', () => {
  it('get every signup of an hour ready with at most 15 token requests an hour, none refused', async () => {
    const clock = createTestClock();
    // Aura's token endpoint: 15 requests an hour per client id, counted on arrival.
    const fake = createAuraMock({ clock, tokenRateLimit: { limit: 15, windowMs: HOUR } });
    server.resetHandlers(...fake.handlers);
    const schema = await createTestSchema(pool);
    drop = schema.drop;
    const aes = createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' });
    // Real-time work (Web Crypto, the database) that the simulated clock waits for.
    const cipher: CredentialCipher = {
      encrypt: (plaintext, context) => clock.track(aes.encrypt(plaintext, context)),
      decrypt: (sealed, context) => clock.track(aes.decrypt(sealed, context)),
    };
    const client = {
      query: (text: string, values?: unknown[]) => clock.track(pool.query(text, values)),
    };
    const tokenCache = createPostgresTokenCache({
      client,
      cipher,
      clock,
      table: `${schema.schema}.aura_tokens`,
    });
    await tokenCache.migrate();
    const store = new MemoryCredentialStore({ clock });
    const workers = Array.from({ length: 16 }, () =>
      createProvisioner({
        aura: new AuraClient({
          clientId: 'fleet-client',
          clientSecret: 'fleet-secret-0123456789',
          tenantId: 'tenant-1',
          clock,
          tokenCache,
        }),
        store,
        cipher,
        clock,
        instance: SPEC,
      }),
    );
    // 96 signups over an hour, each landing on one of the 16 workers.
    const users = Array.from(
      { length: 96 },
      (_, i) => `${(i + 1).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    );
    for (const [i, user] of users.entries()) {
      await (workers[i % 16] as (typeof workers)[number]).claimUser(user);
      await clock.advance(HOUR / users.length);
    }
    const ready = await clock.runUntil(
      Promise.all(users.map((user, i) => workers[i % 16]?.waitUntilReady(user))),
    );
    expect(ready.map((status) => status?.status)).toEqual(users.map(() => 'ready'));
    const tokens = fake.requests.filter((request) => request.path === '/oauth/token');
    expect(tokens.filter((request) => request.status !== 200)).toEqual([]);
    const arrivals = tokens.map((request) => request.at);
    const busiest = Math.max(
      ...arrivals.map((at) => arrivals.filter((t) => t >= at && t < at + HOUR).length),
    );
    expect(busiest).toBeLessThanOrEqual(15);
    expect(tokens.length).toBeLessThanOrEqual(3);
    await clock.runUntil(Promise.all(workers.map((worker) => worker.close())));
  });
});
