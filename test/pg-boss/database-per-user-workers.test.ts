import { describe, expect, it } from 'vitest';
import { AuraClient } from '../../src/aura/client.js';
import { PLACEMENT_DEFAULTS } from '../../src/provisioning/placement.js';
import { createProvisioner } from '../../src/provisioning/provisioner.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { createAuraMock } from '../../src/testing/index.js';
import { KEY, userIds } from '../provisioning/harness.js';
import { PLACEMENT } from '../provisioning/placement.js';
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
const USERS = 60;
/** A new host takes this long in the fake; the one running before the burst took 0.5 s. */
const HOST_CREATION_MS = 15_000;
const SCHEDULER = { pollIntervalMs: 100, heartbeatSeconds: 10, holdMs: 300 };

describe.runIf(real)('database-per-user on pg-boss workers in real processes', () => {
  it(`${USERS} signups at once, claimed through two workers: the minimum hosts, and users who fit on the running host ready in seconds`, async () => {
    const { table, bossSchema, drop } = await createWorkerSchema(pool);
    const store = new PostgresCredentialStore({ client: pool, table });
    await store.migrate();
    let hostCreates = 0;
    const fake = createAuraMock({
      creationTimeMs: () => (hostCreates++ === 0 ? 500 : HOST_CREATION_MS),
      databaseCreationTimeMs: 500,
      rateLimit: false,
    });
    const server = await fake.listen();
    // 4 GB hosts: 20 databases, neo4j counted, so 19 users each; 5 warm slots.
    const placement = {
      ...PLACEMENT,
      host: { ...PLACEMENT.host, memory: '4GB' },
      expectedDatabaseCreationMs: 300,
    };
    const poll = { expectedCreationMs: 1_000, minIntervalMs: 200, maxIntervalMs: 1_000 };
    const workers: Worker[] = [];
    try {
      // Before the burst: one user, whose signup opened the first host (running in 0.5 s).
      const [early, ...users] = userIds(USERS + 1, 51) as [string, ...string[]];
      const first = createProvisioner({
        aura: new AuraClient({ clientId: 'id', clientSecret: 'secret', baseUrl: server.url }),
        store,
        cipher: createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' }),
        instance: undefined,
        placement,
        poll,
        reconcileIntervalMs: 0,
      });
      await first.provisionUserDatabase(early);
      await first.waitUntilReady(early, { timeoutMs: 30_000 });
      await first.close();
      const [running] = await store.listHosts();
      expect(running).toMatchObject({ status: 'ready', used: 2 });

      const config = {
        mode: 'provision',
        databaseUrl: testPostgres().url,
        auraUrl: server.url,
        table,
        bossSchema,
        key: KEY,
        boss: { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, max: 6 },
        scheduler: SCHEDULER,
        rateLimit: { shared: false, limit: 10_000, windowMs: 60_000 },
        poll,
        placement,
        // Every signup reaches both processes at once (each claims it and schedules it).
        signups: users,
      };
      workers.push(...(await Promise.all([1, 2].map(() => spawnWorker(config)))));
      const ready = await Promise.all(workers.map((w) => w.waitFor((line) => line.e === 'ready')));
      const burstAt = Math.min(...ready.map((line) => line.t ?? Date.now()));

      const count = async () =>
        Number(
          (await pool.query(`select count(*) from ${table} where status = 'ready'`)).rows[0].count,
        );
      // Real time: nothing here is simulated.
      await waitUntil(async () => (await count()) >= USERS + 1, {
        everyMs: 250,
        timeoutMs: 75_000,
      });
      expect(await count()).toBe(USERS + 1);

      // Time to ready per user: the first `provisioned` line of either worker.
      const readyAt = new Map<string, number>();
      for (const line of workers.flatMap((w) => w.lines)) {
        if (line.e !== 'provisioned' || !line.u || line.t === undefined) continue;
        readyAt.set(line.u, Math.min(readyAt.get(line.u) ?? line.t, line.t));
      }
      const records = await Promise.all(users.map((u) => store.get(u)));
      const onRunning = records.filter((r) => r?.instanceId === running?.instanceId);
      const elsewhere = records.filter((r) => r?.instanceId !== running?.instanceId);
      const after = (r: (typeof records)[number]) =>
        (readyAt.get(r?.userId ?? '') ?? Number.POSITIVE_INFINITY) - burstAt;
      const onRunningMs = onRunning.map(after);
      const elsewhereMs = elsewhere.map(after);
      console.info(
        `pg-boss workers: ${JSON.stringify({
          ready: await count(),
          hosts: (await store.listHosts()).length,
          onRunningHost: onRunning.length,
          onRunningHostMs: onRunningMs.sort((a, b) => a - b),
          elsewhereMinMs: Math.min(...elsewhereMs),
          elsewhereMaxMs: Math.max(...elsewhereMs),
        })}`,
      );
      // The running host's free slots (18) went to the burst; each of those users was ready
      // well before a new host could be (15 s); everyone else waited for a new host. A slot one
      // worker took for a user the other worker had placed comes back and wakes a user either
      // worker left waiting, so none of the 18 stays free.
      expect(onRunning).toHaveLength(18);
      expect(Math.max(...onRunningMs)).toBeLessThan(HOST_CREATION_MS / 2);
      expect(Math.min(...elsewhereMs)).toBeGreaterThanOrEqual(HOST_CREATION_MS);

      // Hosts: the minimum that the users and the warm slots need, never more: before opening
      // one, a process counts the free slots and the users still to place from the records, so
      // a slot the other process holds for a moment (a user it is placing, or hands back) is not
      // counted as taken while that user is counted as waiting.
      const hosts = await store.listHosts();
      const warm = Math.max(1, Math.ceil(20 * PLACEMENT_DEFAULTS.warmShare));
      const minimum = Math.ceil((USERS + 1 + warm) / 19);
      expect({ hosts: hosts.length }).toEqual({ hosts: minimum });
      // One database per user, nothing else, slots true.
      const live = fake.instances.filter((i) => i.status !== 'destroying');
      expect(live).toHaveLength(hosts.length);
      const databases = live.flatMap((i) =>
        fake
          .databases(i.id)
          .filter((db) => db.name !== 'neo4j')
          .map((db) => `${i.id}/${db.name}`),
      );
      const all = [...records, await store.get(early)];
      expect(databases.sort()).toEqual(
        all.map((r) => `${r?.instanceId}/${r?.databaseName}`).sort(),
      );
      for (const host of hosts) {
        expect(host.used).toBe(host.instanceId ? fake.databases(host.instanceId).length : 0);
      }
    } finally {
      await stopWorkers(workers);
      await server.close();
      await drop();
    }
  }, 120_000);
});
