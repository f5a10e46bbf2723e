import { describe, expect, it } from 'vitest';
import { AuraClient } from '../../src/aura/client.js';
import { createProvisioner } from '../../src/provisioning/provisioner.js';
import { PgBossScheduler } from '../../src/scale/pg-boss-scheduler.js';
import { createPostgresRateLimiter } from '../../src/scale/postgres-rate-limiter.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createAuraMock } from '../../src/testing/index.js';
import { KEY, SPEC, userIds } from '../provisioning/harness.js';
import { testPostgres } from '../support/postgres.js';
import {
  createWorkerSchema,
  spawnWorker,
  stopWorkers,
  type Worker,
  waitUntil,
  workerProcessFile,
} from '../support/worker-processes.js';

const { real, pool } = workerProcessFile();
const USERS = 300;
// Aura's budget and timings scaled down 30 times (creation 0.3-1.5 s instead of 9-45 s); the
// limiter's margin is not scaled (see shared-rate-limit.test.ts).
const RATE = { limit: 125, windowMs: 2_000, marginMs: 250 };
// A dead worker's checks come back after the heartbeat (pg-boss's minimum, 10 s) and the next
// monitor pass; the queue takes these from whichever process creates it (here the web one).
// `holdMs` below the first status read (0.8 s) and above some re-reads (0.2 s up): both paths run.
const SCHEDULER = {
  pollIntervalMs: 100,
  heartbeatSeconds: 10,
  holdMs: 300,
  retry: { delaySeconds: 1 },
};

interface Check {
  worker: number;
  start: number;
  end: number;
}

/** Each check's [start, end] per user, from the workers' lines; a killed worker's open checks end at `killedAt`. */
function checksByUser(workers: Worker[], killed: Worker, killedAt: number) {
  const checks = new Map<string, Check[]>();
  workers.forEach((w, index) => {
    const open = new Map<string, number>();
    for (const line of w.lines) {
      if (line.e === 'start') open.set(line.u as string, line.t as number);
      if (line.e !== 'end') continue;
      const start = open.get(line.u as string) as number;
      open.delete(line.u as string);
      const list = checks.get(line.u as string) ?? [];
      list.push({ worker: index, start, end: line.t as number });
      checks.set(line.u as string, list);
    }
    for (const [userId, start] of open) {
      expect(w).toBe(killed); // only the killed worker may leave a check open
      const list = checks.get(userId) ?? [];
      list.push({ worker: index, start, end: killedAt });
      checks.set(userId, list);
    }
  });
  return checks;
}

describe.runIf(real)('PgBossScheduler across processes', () => {
  it('three workers share 300 pending users, one check per user at a time, and survive a SIGKILL', async () => {
    const { schema, table, bossSchema, drop } = await createWorkerSchema(pool);
    const limiterTable = `${schema}.aura_rate_limits`;
    const store = new PostgresCredentialStore({ client: pool, table });
    await store.migrate();
    await createPostgresRateLimiter({ client: pool, table: limiterTable }).migrate();
    const fake = createAuraMock({
      rateLimit: { limit: RATE.limit, windowMs: RATE.windowMs },
      creationTimeMs: () => 300 + Math.random() * 1_200,
      transitionMs: { destroying: 0 },
    });
    const server = await fake.listen();
    // The web process: claims users and enqueues their first check; runs none.
    const web = new PgBossScheduler({
      boss: { connectionString: testPostgres().url, schema: bossSchema, max: 4 },
      ...SCHEDULER,
      work: false,
    });
    const provisioner = createProvisioner({
      aura: new AuraClient({ clientId: 'id', clientSecret: 'secret', baseUrl: server.url }),
      store,
      cipher: createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' }),
      instance: { ...SPEC, tenantId: 'tenant-1' },
      scheduler: web,
    });
    const users = userIds(USERS, 7);
    const workers: Worker[] = [];
    try {
      await Promise.all(users.map((userId) => provisioner.claimUser(userId)));
      const config = {
        mode: 'provision',
        databaseUrl: testPostgres().url,
        auraUrl: server.url,
        table,
        bossSchema,
        key: KEY,
        boss: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, max: 6 },
        scheduler: SCHEDULER,
        rateLimit: { ...RATE, table: limiterTable },
        poll: {
          expectedCreationMs: 800,
          minIntervalMs: 200,
          maxIntervalMs: 1_000,
          notFoundGraceMs: 3_000,
        },
        createLeaseMs: 3_000,
      };
      workers.push(...(await Promise.all([1, 2, 3].map(() => spawnWorker(config)))));
      await Promise.all(workers.map((w) => w.waitFor((line) => line.e === 'ready')));

      // Mid-run, SIGKILL a worker while it holds checks: they must come back to the others.
      const victim = workers[0] as Worker;
      const openOn = (w: Worker) => {
        const open = new Set<string>();
        for (const line of w.lines) {
          if (line.e === 'start') open.add(line.u as string);
          if (line.e === 'end') open.delete(line.u as string);
        }
        return open;
      };
      const provisioned = () =>
        workers.flatMap((w) => w.lines).filter((l) => l.e === 'provisioned');
      await waitUntil(() => provisioned().length >= 60 && openOn(victim).size > 0, {
        everyMs: 20,
      });
      victim.process.kill('SIGKILL');
      const killedAt = Date.now();
      const heldByVictim = openOn(victim);
      await victim.exited;

      const count = async (status: string) =>
        Number(
          (await pool.query(`select count(*) from ${table} where status = $1`, [status])).rows[0]
            .count,
        );
      await waitUntil(async () => (await count('ready')) >= USERS, {
        everyMs: 250,
        timeoutMs: 75_000,
      });

      expect(await count('ready')).toBe(USERS);
      // One instance per user, none extra.
      const live = fake.instances.filter((i) => i.status !== 'destroying');
      const names = live.map((i) => i.name).sort();
      const { rows } = await pool.query(`select instance_name from ${table}`);
      expect(rows).toHaveLength(USERS);
      expect(names).toEqual(rows.map((row) => row.instance_name as string).sort());
      // Inside the budget: not one 429.
      expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
      // One worker at a time per user, the killed worker's open checks counting until the kill.
      const checks = checksByUser(workers, victim, killedAt);
      for (const [userId, list] of checks) {
        list.sort((a, b) => a.start - b.start);
        for (let i = 1; i < list.length; i++) {
          const [previous, next] = [list[i - 1], list[i]] as [Check, Check];
          if (next.start < previous.end) {
            throw new Error(`${userId}: checks overlap ${JSON.stringify(list)}`);
          }
        }
      }
      // What the victim held came back to the others, after the kill.
      for (const userId of heldByVictim) {
        const after = (checks.get(userId) ?? []).filter(
          (c) => c.worker !== 0 && c.start > killedAt,
        );
        expect(after.length).toBeGreaterThan(0);
      }
    } finally {
      await stopWorkers(workers);
      await provisioner.close();
      await web.close();
      await server.close();
      await drop();
    }
  }, 120_000);
});
