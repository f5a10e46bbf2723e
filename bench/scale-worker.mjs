// One worker process of the scale bench (bench/scale.mjs) and of the multi-process tests
// (test/pg-boss): a provisioner on the pg-boss scheduler and the shared rate limiter
// (mode `provision`), or a client firing a burst of requests (mode `burst`). Configured by the
// JSON in AURA_SCALE_WORKER; talks to its parent in JSON lines on stdout. Imports the built
// package: dist/, or the directory in AURA_PROVISIONER_DIST (the tests build one from src/).
import { createInterface } from 'node:readline';
import pg from 'pg';
import { importDist } from './dist.mjs';

const config = JSON.parse(process.env.AURA_SCALE_WORKER ?? '{}');
const root = await importDist('index.js');
const { PostgresCredentialStore } = await importDist('postgres.js');
const { PgBossScheduler, createPostgresRateLimiter } = await importDist('pg-boss.js');

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// Every statement any pool sends (pg-boss's included) goes through Client#query: count them.
const queries = { total: 0, store: 0, limiter: 0 };
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  queries.total++;
  return query.apply(this, args);
};
const counted = (pool, area) => ({
  query: (text, values) => {
    queries[area]++;
    return pool.query(text, values);
  },
});

const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolMax ?? 10 });
pool.on('error', () => {});

/** A client on the shared limiter, or (`shared: false`, the control) on its own in-process one. */
function createAura() {
  const { shared = true, limit, windowMs, burst, ...table } = config.rateLimit;
  const budget = { limit, windowMs, burst };
  return new root.AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    baseUrl: config.auraUrl,
    ...(shared
      ? {
          rateLimiter: createPostgresRateLimiter({
            client: counted(pool, 'limiter'),
            ...budget,
            ...table,
          }),
        }
      : { rateLimit: budget }),
  });
}

/** `burst`: on "go" from the parent, `requests` calls at once; optionally abort the rest. */
async function burst() {
  const aura = createAura();
  const lines = createInterface({ input: process.stdin });
  // A warm process (token, connection, compiled code): a cold first call can reach Aura a
  // few hundred ms after its slot, which only the limiter's margin covers.
  if (config.warmUp) await aura.tenants.list();
  emit({ e: 'ready' });
  for await (const line of lines) if (line === 'go') break;
  const controller = new AbortController();
  if (config.abortAfterMs) setTimeout(() => controller.abort(), config.abortAfterMs);
  const results = await Promise.allSettled(
    Array.from({ length: config.requests }, () => aura.tenants.list({ signal: controller.signal })),
  );
  const sent = results.filter((r) => r.status === 'fulfilled').length;
  emit({ e: 'done', sent, unsent: results.length - sent });
  lines.close();
}

/**
 * `provision`: works the queue until SIGTERM, logging each check's start and end. Without
 * `bossSchema`, on the in-process scheduler; with `placement`, database-per-user; `signups`:
 * user ids it provisions at once when ready.
 */
async function provision() {
  const scheduler =
    config.bossSchema &&
    new PgBossScheduler({
      boss: { connectionString: config.databaseUrl, schema: config.bossSchema, ...config.boss },
      ...config.scheduler,
    });
  // Each check's start and end, for the "one worker at a time" assertion.
  const instrumented = scheduler && {
    schedule: (...args) => scheduler.schedule(...args),
    start: (handler) =>
      scheduler.start(async (userId) => {
        emit({ e: 'start', u: userId, t: Date.now() });
        try {
          await handler(userId);
        } finally {
          emit({ e: 'end', u: userId, t: Date.now() });
        }
      }),
    close: () => scheduler.close(),
  };
  const probeUrl = config.probeUrl;
  const provisioner = root.createProvisioner({
    aura: createAura(),
    store: new PostgresCredentialStore({ client: counted(pool, 'store'), table: config.table }),
    cipher: root.createAesGcmCipher({ keys: { k1: config.key }, currentKeyId: 'k1' }),
    instance: config.placement
      ? undefined
      : { type: 'professional-db', memory: '1GB', region: 'europe-west1', cloudProvider: 'gcp' },
    placement: config.placement,
    scheduler: instrumented,
    poll: config.poll,
    createLeaseMs: config.createLeaseMs,
    // A free readiness signal, simulated: the parent answers from the fake's state.
    readinessProbe: probeUrl
      ? async ({ instanceId }) => (await fetch(`${probeUrl}/${instanceId}`)).ok
      : undefined,
    onEvent: (event) => {
      if (event.type === 'ready') emit({ e: 'provisioned', u: event.userId, t: Date.now() });
    },
  });
  await scheduler?.ready();
  emit({ e: 'ready', t: Date.now() });
  for (const userId of config.signups ?? []) {
    provisioner.provisionUserDatabase(userId).catch((error) => {
      emit({ e: 'error', u: userId, error: String(error) });
    });
  }
  process.once('SIGTERM', async () => {
    await provisioner.close();
    emit({ e: 'stats', queries });
    await pool.end();
    process.exit(0);
  });
}

await (config.mode === 'burst' ? burst() : provision());
if (config.mode === 'burst') {
  emit({ e: 'stats', queries });
  await pool.end();
}
