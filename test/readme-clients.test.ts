import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAesGcmCipher,
  createProvisioner,
  deploymentTag,
  generateAesGcmKey,
  instanceNameForUser,
  MemoryCredentialStore,
  type Provisioner,
  type ProvisionerOptions,
} from '../src/index.js';
import type { PgBossScheduler } from '../src/pg-boss.js';
import { PostgresCredentialStore } from '../src/postgres.js';
import { newRecord } from '../src/records/record.js';
import { createAuraMock } from '../src/testing/index.js';
import { createTestDatabase, createTestPool, testPostgres } from './support/postgres.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

// The per-user client and several-processes guides' examples, run as written. Names a block
// uses without defining (`store`, `cipher`, `userId`, ...) are handed to it by the test. The
// clients guide's Bolt file runs beside the others in guides-run.test.ts.

const CREDENTIALS = {
  clientId: 'test-client-id',
  clientSecret: 'test-client-secret',
  tenantId: 'tenant-1',
};
const INSTANCE = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;
/** Aura's user name for the instance: deliberately not `neo4j`. */
const USERNAME = 'a1b2c3d4';
const HOST = 'a1b2c3d4.databases.neo4j.io';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(__dirname, '.readme-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A memory store and an AES-GCM cipher on a fresh key, with `userId`'s database ready. */
async function readyUser(userId: string, fields: { connectionUrl: string; databaseName?: string }) {
  const store = new MemoryCredentialStore();
  const cipher = createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' });
  const password = randomBytes(12).toString('base64url');
  const { record } = await store.claim(newRecord(userId, instanceNameForUser(userId, 'ap-')));
  const ready = await store.update(userId, record.version, {
    status: 'ready',
    instanceId: USERNAME,
    username: USERNAME,
    encryptedPassword: await cipher.encrypt(password, userId),
    readyAt: Date.now(),
    ...fields,
  });
  expect(ready?.status).toBe('ready');
  return { store, cipher, password };
}

describe('Guide: per-user Neo4j clients', () => {
  const userId = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

  it('runs the Query API block: Basic auth from the record, rows keyed by field', async () => {
    const [block = ''] = await readmeBlocks('Query API over fetch', 'docs/guides/clients.md');
    expect(block).toContain('createQueryClientForUser');
    const { store, cipher, password } = await readyUser(userId, {
      connectionUrl: `neo4j+s://${HOST}`,
    });
    const seen: { authorization: string | null; body: unknown }[] = [];
    server.use(
      http.post(`https://${HOST}/db/neo4j/query/v2`, async ({ request }) => {
        seen.push({
          authorization: request.headers.get('authorization'),
          body: await request.json(),
        });
        return HttpResponse.json(
          { data: { fields: ['n'], values: [[1]] }, bookmarks: ['FB:readme'] },
          { status: 202 },
        );
      }),
    );
    const main = await loadAsModule<{ rows: unknown[] }>(dir, 'neo4j-query', block, {
      provide: ['store', 'cipher', 'userId'],
      epilogue: 'return { rows };',
    });
    const { rows } = await main({ store, cipher, userId });
    expect(rows).toEqual([{ n: 1 }]);
    expect(seen).toEqual([
      {
        authorization: `Basic ${Buffer.from(`${USERNAME}:${password}`).toString('base64')}`,
        body: { statement: 'MATCH (n) RETURN count(n) AS n', parameters: {} },
      },
    ]);
  });
});

// pg-boss needs a real server (advisory locks, SKIP LOCKED across sessions): not PGlite.
describe.runIf(testPostgres().kind !== 'pglite')('Guide: running on several processes', () => {
  const databaseUrl = process.env.DATABASE_URL;
  afterEach(() => {
    if (databaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = databaseUrl;
  });

  it('provisions users through the pg-boss scheduler and the Postgres-shared rate limiter', async () => {
    const [block = ''] = await readmeBlocks('Set up', 'docs/guides/several-processes.md');
    expect(block).toContain("from 'aura-provisioner/pg-boss'");
    // A database of its own: the block uses the default pg-boss schema and limiter table.
    const database = await createTestDatabase();
    const pool = createTestPool({ url: database.url });
    process.env.DATABASE_URL = database.url;
    const fake = createAuraMock({ creationTimeMs: 0 });
    server.use(...fake.handlers);
    const store = new PostgresCredentialStore({ client: pool });
    await store.migrate();
    const cipher = createAesGcmCipher({
      keys: { k1: generateAesGcmKey() },
      currentKeyId: 'k1',
    });
    const main = await loadAsModule<{
      pool: pg.Pool;
      scheduler: PgBossScheduler;
      provisioner: Provisioner;
    }>(dir, 'several-processes', block, {
      provide: [
        ...Object.keys(CREDENTIALS),
        'store',
        'cipher',
        'instance',
        // Shadows the block's import: the block's options, plus a faster first status read.
        'createProvisioner',
      ],
      epilogue: 'return { pool, scheduler, provisioner };',
    });
    let started: Awaited<ReturnType<typeof main>> | undefined;
    try {
      started = await main({
        ...CREDENTIALS,
        store,
        cipher,
        instance: INSTANCE,
        // The block's own options, plus a first status read after 100 ms instead of Aura's 90 s.
        createProvisioner: (options: ProvisionerOptions) =>
          createProvisioner({
            ...options,
            poll: {
              expectedCreationMs: 100,
              minIntervalMs: 100,
              maxIntervalMs: 500,
              ...options.poll,
            },
          }),
      });
      const { provisioner, scheduler } = started;
      const [inline, queued] = [
        '5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d',
        '6b7c8d9e-2f3a-4b4c-8d5e-6f7a8b9c0d1e',
      ];

      // One user created in the call, its status read by a pg-boss job; one only claimed,
      // created and read by pg-boss jobs.
      expect((await provisioner.provisionUserDatabase(inline)).status).toBe('creating');
      expect((await provisioner.claimUser(queued)).status).toBe('pending');
      for (const userId of [inline, queued]) {
        const ready = await provisioner.waitUntilReady(userId, {
          timeoutMs: 12_000,
          pollIntervalMs: 100,
        });
        expect(ready.status).toBe('ready');
      }
      const tag = deploymentTag((await store.deploymentKey()) as string);
      expect(fake.instances.map((instance) => instance.name).sort()).toEqual(
        [inline, queued].map((userId) => instanceNameForUser(userId, 'ap-', tag)).sort(),
      );

      // The limiter's table exists, and the Aura client took its slots from it.
      const { rows } = await pool.query('select key from aura_rate_limits');
      expect(rows).toEqual([{ key: 'aura' }]);
      // The checks went through the guide's pg-boss queue.
      expect(scheduler.queue).toBe('aura-provisioner-checks');
      expect((await scheduler.boss?.getQueue(scheduler.queue))?.policy).toBe('singleton');
      const jobs = await pool.query(
        'select distinct singleton_key from pgboss.job where name = $1 order by 1',
        [scheduler.queue],
      );
      expect(jobs.rows.map((row) => row.singleton_key)).toEqual([inline, queued].sort());
    } finally {
      await started?.provisioner.close();
      await started?.scheduler.close();
      await started?.pool.end();
      await pool.end();
      await database.drop();
    }
  });
});
