// The provisioner across worker processes: 1,000 signups through the pg-boss scheduler and the
// shared Postgres rate limiter, against the Aura fake (125 per window) over loopback, on real
// time scaled down SCALE times. Measures API calls per user, 429s, time to all-ready as a ratio
// to the rate-limit floor (scale-free), and Postgres statements per provisioned user.
//
//   npm run build && node bench/scale.mjs [--processes 1,2,4] [--probe] [--scale 10]
//
// Needs a PostgreSQL: AURA_BENCH_DATABASE_URL, or a throwaway cluster of the system's.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { distDir, importDist } from './dist.mjs';
import { mulberry32 } from './provisioning-burst.mjs';

const root = await importDist('index.js');
const { PostgresCredentialStore } = await importDist('postgres.js');
const { PgBossScheduler, createPostgresRateLimiter } = await importDist('pg-boss.js');
const { createAuraMock } = await importDist('testing.js');

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SPEC = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

// Every statement this process sends (its pg-boss included), as the workers count theirs.
let parentQueries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  parentQueries++;
  return query.apply(this, args);
};

/** A PostgreSQL for the bench: AURA_BENCH_DATABASE_URL, or a throwaway system cluster. */
export async function startBenchPostgres() {
  if (process.env.AURA_BENCH_DATABASE_URL) {
    return { url: process.env.AURA_BENCH_DATABASE_URL, stop: async () => {} };
  }
  const { findPostgresBindir, startSystemCluster } = await import(
    '../test/support/postgres-cluster.ts'
  );
  const bindir = findPostgresBindir();
  if (!bindir) throw new Error('No PostgreSQL: set AURA_BENCH_DATABASE_URL or install postgresql');
  return startSystemCluster(bindir);
}

function spawnWorker(config) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('scale-worker.mjs', import.meta.url))],
    {
      env: {
        ...process.env,
        AURA_SCALE_WORKER: JSON.stringify(config),
        AURA_PROVISIONER_DIST: distDir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = [];
  const listeners = new Set();
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text);
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const next = (type) =>
    new Promise((resolve, reject) => {
      const found = lines.find((line) => line.e === type);
      if (found) return resolve(found);
      const listener = (line) => {
        if (line.e !== type) return;
        listeners.delete(listener);
        resolve(line);
      };
      listeners.add(listener);
      exited.then(() => reject(new Error(`worker exited before "${type}"`)));
    });
  return { child, lines, listeners, exited, next };
}

/**
 * `users` signups arrive uniformly within 60 s, creation times uniform in 60–180 s (seeded),
 * Aura's 125 per minute, all divided by `scale`; `processes` workers share the queue and the
 * budget. With `probe`, a free readiness probe (the fake's state over a side channel) gates
 * status reads, as in bench/provisioning-burst.mjs.
 */
export async function measureScale({
  processes,
  users = 1_000,
  scale = 10,
  probe = false,
  seed = 42,
  // Not scaled: it covers wall-clock delays between a slot and the request reaching the fake.
  marginMs = 250,
  databaseUrl,
}) {
  const postgres = databaseUrl
    ? { url: databaseUrl, stop: async () => {} }
    : await startBenchPostgres();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 8 });
  pool.on('error', (error) => console.error('postgres pool', error.message));
  const run = `scale_${processes}_${Date.now().toString(36)}`;
  const windowMs = 60_000 / scale;
  const random = mulberry32(seed);
  const runningAt = new Map();
  const fake = createAuraMock({
    random: mulberry32(seed + 1),
    rateLimit: { limit: 125, windowMs },
    creationTimeMs: (s) => {
      const ms = (60_000 + random() * 120_000) / scale;
      runningAt.set(s.name, Date.now() + ms);
      return ms;
    },
  });
  const server = await fake.listen();
  const probeServer = createServer((req, res) => {
    const running = fake.instance(req.url.slice(1))?.status === 'running';
    res.writeHead(running ? 200 : 404).end();
  });
  await new Promise((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
  const workers = [];
  try {
    await pool.query(`create schema ${run}`);
    const table = `${run}.user_databases`;
    const store = new PostgresCredentialStore({ client: pool, table });
    await store.migrate();
    const rateLimit = { limit: 125, windowMs, marginMs, table: `${run}.aura_rate_limits` };
    await createPostgresRateLimiter({ client: pool, ...rateLimit }).migrate();
    const scheduler = { pollIntervalMs: 2_000 / scale, holdMs: 5_000 / scale };
    // The web process: claims each signup and enqueues its first check.
    const web = new PgBossScheduler({
      boss: { connectionString: postgres.url, schema: `${run}_boss` },
      work: false,
      ...scheduler,
    });
    await web.ready();
    const provisioner = root.createProvisioner({
      aura: new root.AuraClient({ clientId: 'id', clientSecret: 'secret', baseUrl: server.url }),
      store,
      cipher: root.createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' }),
      instance: { ...SPEC, tenantId: 'tenant-1' },
      scheduler: web,
    });
    const config = {
      mode: 'provision',
      databaseUrl: postgres.url,
      auraUrl: server.url,
      table,
      bossSchema: `${run}_boss`,
      key: KEY,
      scheduler,
      rateLimit,
      poll: {
        expectedCreationMs: 90_000 / scale,
        minIntervalMs: 10_000 / scale,
        maxIntervalMs: 60_000 / scale,
        notFoundGraceMs: 90_000 / scale,
        deadlineMs: 1_800_000 / scale,
        probeIntervalMs: 3_000 / scale,
      },
      createLeaseMs: 180_000 / scale,
      probeUrl: probe ? `http://127.0.0.1:${probeServer.address().port}` : undefined,
    };
    for (let i = 0; i < processes; i++) workers.push(spawnWorker(config));
    await Promise.all(workers.map((w) => w.next('ready')));

    const readyAt = new Map();
    const allReady = new Promise((resolve) => {
      for (const w of workers) {
        w.listeners.add((line) => {
          if (line.e !== 'provisioned') return;
          readyAt.set(line.u, line.t);
          if (readyAt.size === users) resolve();
        });
      }
    });
    const queriesBefore = parentQueries;
    const start = Date.now();
    const arrivals = Array.from({ length: users }, () => (random() * 60_000) / scale);
    const userId = (i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    await Promise.all(
      arrivals.map(async (at, i) => {
        await new Promise((resolve) => setTimeout(resolve, at));
        await provisioner.claimUser(userId(i));
      }),
    );
    await allReady;
    const totalMs = Math.max(...readyAt.values()) - start;
    const parent = parentQueries - queriesBefore;
    await provisioner.close();
    await web.close();
    for (const w of workers) w.child.kill('SIGTERM');
    const stats = await Promise.all(workers.map((w) => w.next('stats')));
    const sum = (area) => stats.reduce((total, s) => total + s.queries[area], 0);
    const api = fake.requests.filter((r) => r.path.startsWith('/v1/'));
    const latencies = [...readyAt]
      .map(([id, at]) => at - runningAt.get(root.instanceNameForUser(id, 'ap-')))
      .sort((a, b) => a - b);
    const floorMs = ((2 * users) / 125) * windowMs;
    return {
      processes,
      users,
      scale,
      probe,
      apiCallsPerUser: api.length / users,
      // Creates Aura accepted (one billed instance each); a create refused with 429 is in `tooManyRequests`.
      creates: api.filter((r) => r.method === 'POST' && r.status === 202).length,
      deletes: api.filter((r) => r.method === 'DELETE').length,
      statusReads: api.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/instances/'))
        .length,
      tooManyRequests: api.filter((r) => r.status === 429).length,
      totalS: totalMs / 1000,
      floorS: floorMs / 1000,
      ratioToFloor: totalMs / floorMs,
      // Back in unscaled seconds.
      latencyP50S: (quantile(latencies, 0.5) * scale) / 1000,
      latencyP95S: (quantile(latencies, 0.95) * scale) / 1000,
      queriesPerUser: {
        total: (sum('total') + parent) / users,
        store: sum('store') / users,
        limiter: sum('limiter') / users,
        pgBoss: (sum('total') - sum('store') - sum('limiter')) / users,
        web: parent / users,
      },
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await new Promise((resolve) => probeServer.close(resolve));
    await server.close();
    await pool.query(
      `drop schema if exists ${run} cascade; drop schema if exists ${run}_boss cascade`,
    );
    await pool.end();
    await postgres.stop();
  }
}

/** One line per run, as bench/run.mjs prints its sections. */
export function formatScale(r) {
  const q = r.queriesPerUser;
  return `  ${r.processes} process${r.processes > 1 ? 'es' : ''}${r.probe ? ', probe' : ''}: API calls per user ${r.apiCallsPerUser.toFixed(2)} (${r.creates} creates, ${r.deletes} deletes, ${r.statusReads} status reads), 429s ${r.tooManyRequests}, all ready ${r.totalS.toFixed(1)} s, floor ${r.floorS.toFixed(1)} s, ratio ${r.ratioToFloor.toFixed(3)}; running -> ready p50 ${r.latencyP50S.toFixed(1)} s, p95 ${r.latencyP95S.toFixed(1)} s (unscaled); Postgres statements per user ${q.total.toFixed(1)} (store ${q.store.toFixed(1)}, limiter ${q.limiter.toFixed(1)}, pg-boss ${q.pgBoss.toFixed(1)}, web ${q.web.toFixed(1)})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      processes: { type: 'string', default: '1,2,4' },
      probe: { type: 'boolean', default: false },
      scale: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const postgres = await startBenchPostgres();
  const results = [];
  try {
    for (const processes of values.processes.split(',').map(Number)) {
      const r = await measureScale({
        processes,
        probe: values.probe,
        scale: Number(values.scale),
        databaseUrl: postgres.url,
      });
      results.push(r);
      console.log(formatScale(r));
    }
  } finally {
    await postgres.stop();
  }
  if (values.json) console.log(JSON.stringify(results));
}
