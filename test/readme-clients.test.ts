import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAesGcmCipher,
  createProvisioner,
  deploymentTag,
  generateAesGcmKey,
  instanceNameForUser,
  type Provisioner,
  type ProvisionerOptions,
} from '../src/index.js';
import type { PgBossScheduler } from '../src/pg-boss.js';
import { PostgresCredentialStore } from '../src/postgres.js';
import { createAuraMock } from '../src/testing/index.js';
import { createTestDatabase, createTestPool, testPostgres } from './support/postgres.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

// The several-processes guide's set-up, run as written. Names it uses without defining
// (`store`, `cipher`, `instance`, ...) are handed to it by the test. The clients guide's files
// run beside the others in guides-run.test.ts.

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
