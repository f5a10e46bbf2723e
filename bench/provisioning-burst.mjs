// A burst of signups through the webhook handler against the Aura fake with Aura's 125/min
// counted when each request arrives, every request delayed by a random latency on its way:
// API calls per user, creates, deletes, 429s, running -> ready latency, and time to all-ready
// vs the rate floor. Simulated time, except `runRealTimeBurst`.
import { readFileSync } from 'node:fs';
import {
  AURA_DEFAULTS,
  AuraClient,
  createInsecurePlaintextCipher,
  createProvisioner,
  createRateLimiter,
  MemoryCredentialStore,
} from '../dist/index.js';
import { createAuraMock, createTestClock } from '../dist/testing.js';
import { createWebhookHandler } from '../dist/webhooks.js';

export const SECRET = 'bench-webhook-secret-0123456789';
const FIXTURE = readFileSync(
  new URL(
    '../test/adapters/fixtures/supabase/database-webhook-insert-auth-users.json',
    import.meta.url,
  ),
  'utf8',
);
const FIXTURE_USER = '6f1b2c1e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';

/** The Database Webhook request Supabase sends for `userId`'s signup. */
export const signupRequest = (userId) =>
  new Request('https://app.example/webhooks/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
    body: FIXTURE.replaceAll(FIXTURE_USER, userId),
  });

/** A store that fails `rate` of its calls at random (a thrown error), like a flaky network. */
function flakyStore(store, rate, random, counter) {
  const wrap =
    (method) =>
    (...args) => {
      if (random() < rate) {
        counter.failures++;
        return Promise.reject(new Error('store unavailable'));
      }
      return store[method](...args);
    };
  return {
    get: wrap('get'),
    claim: wrap('claim'),
    update: wrap('update'),
    delete: wrap('delete'),
    list: wrap('list'),
  };
}

/**
 * For comparison only: the client's limiter with a strict order in front of it, every `first`
 * request before any other (`high`: every status read before any create; `normal`: every create
 * before any status read). The library's own limiter lets the two take turns while both wait.
 */
function strictOrder(inner, first) {
  const queue = [];
  let pumping = false;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    while (queue.length > 0) {
      const index = queue.findIndex((waiter) => waiter.priority === first);
      const [waiter] = queue.splice(Math.max(index, 0), 1);
      await inner.acquire();
      waiter.resolve();
    }
    pumping = false;
  };
  return {
    pauseUntil: (untilMs) => inner.pauseUntil(untilMs),
    onRateLimited: () => inner.onRateLimited(),
    utilization: () => (queue.length > 0 ? 1 : inner.utilization()),
    acquire: (_signal, priority = 'normal') =>
      new Promise((resolve) => {
        queue.push({ priority, resolve });
        void pump();
      }),
  };
}

/** A small seeded PRNG, so every run draws the same creation times. */
/** An Aura client of the benches on simulated time: `fetch` answers from the fake. */
export function simulatedClient(clock, fetch) {
  return new AuraClient({
    clientId: 'bench',
    clientSecret: 'bench',
    tenantId: 'tenant-1',
    clock,
    fetch,
  });
}

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
const spec = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

/**
 * How the simulated readiness probe answers (it is free: it reads the fake's state, as a host
 * that starts to answer would tell):
 * - `exact`: ready from the moment the instance runs;
 * - `late`: ready `lagMs` (default 20 s) after it runs (DNS propagation, a slow first answer);
 * - `early`: ready from the moment of create, for every host (a name that resolves before the
 *   database is up): the worst case for the budget;
 * - `silent`: never ready (a probe that cannot reach the instances).
 */
export const PROBE_MODELS = ['exact', 'late', 'early', 'silent'];

/**
 * `users` signups arrive uniformly within `arrivalMs` and go through `createWebhookHandler`
 * (default options), as Supabase would bring them; each instance takes a creation time drawn
 * uniformly from [minCreationMs, maxCreationMs]; every request reaches the fake (which counts
 * its 125/min on arrival) after a random delay up to `latencyMs`. `storeFailureRate`: the share
 * of store calls that fail. With `probe` (one of {@link PROBE_MODELS}; `true` is `exact`), a
 * simulated readiness probe gates the status reads. `poll` overrides the poll policy
 * (`{ idleReadIntervalMs: 0 }`: no idle-budget reads). A quiet day is the same run with few
 * users over a long `arrivalMs`. `order`: `'reads-first'` or `'creates-first'` puts a strict
 * order in front of the client's limiter (see {@link strictOrder}); by default there is none.
 */
export async function runBurst({
  users = 1_000,
  arrivalMs = 60_000,
  minCreationMs = 60_000,
  maxCreationMs = 180_000,
  latencyMs = 250,
  storeFailureRate = 0,
  probe = false,
  lagMs = 20_000,
  poll,
  order,
  seed = 42,
} = {}) {
  const model = probe === true ? 'exact' : probe;
  const random = mulberry32(seed);
  const clock = createTestClock({ settleTurns: 3 });
  const runningAt = new Map();
  const fake = createAuraMock({
    clock,
    random: mulberry32(seed + 1),
    creationTimeMs: (s) => {
      const ms = minCreationMs + random() * (maxCreationMs - minCreationMs);
      runningAt.set(s.name, clock.now() + ms);
      return ms;
    },
  });
  const latency = mulberry32(seed + 2);
  const fetch = async (input, init) => {
    await clock.sleep(latency() * latencyMs);
    return fake.handle(new Request(input, init));
  };
  const limiter = createRateLimiter(AURA_DEFAULTS.rateLimit, clock);
  const aura = new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    clock,
    fetch,
    rateLimiter: order
      ? strictOrder(limiter, order === 'reads-first' ? 'high' : 'normal')
      : limiter,
  });
  const memory = new MemoryCredentialStore({ clock });
  const storeCounter = { failures: 0 };
  const store =
    storeFailureRate > 0
      ? flakyStore(memory, storeFailureRate, mulberry32(seed + 3), storeCounter)
      : memory;
  const { readyAt, readyAtByUser, allReady, onEvent } = readyTracker(users);
  const provisioner = createProvisioner({
    aura,
    store,
    // Web Crypto works on real time; the simulation needs every step on simulated time.
    cipher: createInsecurePlaintextCipher(),
    clock,
    instance: spec,
    poll,
    readinessProbe: model ? simulatedProbe(model, lagMs, fake, clock, runningAt) : undefined,
    onEvent,
  });
  const handle = createWebhookHandler({ provisioner, auth: { sharedSecrets: [SECRET] } });
  const start = clock.now();
  const arrivals = Array.from({ length: users }, () => random() * arrivalMs).sort((a, b) => a - b);
  const answers = [];
  const signupAt = new Map(arrivals.map((at, i) => [userId(i), start + at]));
  const signups = Promise.all(
    arrivals.map(async (at, i) => {
      await clock.sleep(at);
      answers.push((await handle(signupRequest(userId(i)))).status);
    }),
  );
  const wallStart = performance.now();
  await clock.runUntil(Promise.all([signups, allReady]));
  const wallMs = performance.now() - wallStart;
  await clock.runUntil(provisioner.close());

  const records = (await memory.list({ limit: 10_000 })).records;
  return {
    users,
    probe: model,
    storeFailureRate,
    storeFailures: storeCounter.failures,
    ...summarize({ fake, users, readyAt, runningAt, start, answers, records }),
    ...signupToReady(signupAt, readyAtByUser),
    wallMs,
  };
}

/** Signup -> ready, what each user waits: mean, p50 and p95. */
function signupToReady(signupAt, readyAtByUser) {
  const waits = [...readyAtByUser]
    .map(([user, at]) => at - signupAt.get(user))
    .sort((a, b) => a - b);
  const meanMs = waits.reduce((sum, ms) => sum + ms, 0) / waits.length;
  return {
    signupMeanMs: meanMs,
    signupP50Ms: quantile(waits, 0.5),
    signupP95Ms: quantile(waits, 0.95),
  };
}

/** A UUID user id for signup `i`. */
export const userId = (i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** When each instance became ready, and a promise that settles once all `users` are. */
function readyTracker(users) {
  const readyAt = new Map();
  const readyAtByUser = new Map();
  let resolveAll;
  const allReady = new Promise((resolve) => {
    resolveAll = resolve;
  });
  const onEvent = (event) => {
    if (event.type !== 'ready') return;
    readyAt.set(event.instanceName, event.at);
    readyAtByUser.set(event.userId, event.at);
    if (readyAt.size === users) resolveAll();
  };
  return { readyAt, readyAtByUser, allReady, onEvent };
}

/** The figures of one run, from what the fake saw and what the store holds. */
function summarize({ fake, users, readyAt, runningAt, start, answers, records }) {
  const api = fake.requests.filter((r) => r.path.startsWith('/v1/'));
  const latencies = [...readyAt]
    .map(([name, at]) => at - runningAt.get(name))
    .sort((a, b) => a - b);
  const totalMs = Math.max(...readyAt.values()) - start;
  // The rate floor: two calls a user (a create and one status read) at 125 a minute.
  const floorMs = ((2 * users) / 125) * 60_000;
  return {
    apiCallsPerUser: api.length / users,
    creates: api.filter((r) => r.method === 'POST' && r.status === 202).length,
    deletes: api.filter((r) => r.method === 'DELETE').length,
    statusReads: api.filter((r) => r.method === 'GET').length,
    tooManyRequests: api.filter((r) => r.status === 429).length,
    notAccepted: answers.filter((status) => status !== 202).length,
    failed: records.filter((r) => r.status === 'failed').length,
    notReady: users - records.filter((r) => r.status === 'ready').length,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP95Ms: quantile(latencies, 0.95),
    totalMin: totalMs / 60_000,
    floorMin: floorMs / 60_000,
    ratioToFloor: totalMs / floorMs,
  };
}

/**
 * The same through real time: the fake serves over loopback HTTP (counting on arrival), the
 * client waits up to `latencyMs` at random before each request, and the event loop is the
 * real one. Takes a few minutes.
 */
export async function runRealTimeBurst({
  users = 100,
  arrivalMs = 10_000,
  minCreationMs = 60_000,
  maxCreationMs = 180_000,
  latencyMs = 250,
  seed = 42,
} = {}) {
  const random = mulberry32(seed);
  const runningAt = new Map();
  const fake = createAuraMock({
    random: mulberry32(seed + 1),
    creationTimeMs: (s) => {
      const ms = minCreationMs + random() * (maxCreationMs - minCreationMs);
      runningAt.set(s.name, Date.now() + ms);
      return ms;
    },
  });
  const server = await fake.listen();
  const latency = mulberry32(seed + 2);
  const fetch = async (input, init) => {
    await new Promise((resolve) => setTimeout(resolve, latency() * latencyMs));
    return globalThis.fetch(input, init);
  };
  const aura = new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    baseUrl: server.url,
    fetch,
  });
  const memory = new MemoryCredentialStore();
  const { readyAt, allReady, onEvent } = readyTracker(users);
  const provisioner = createProvisioner({
    aura,
    store: memory,
    cipher: createInsecurePlaintextCipher(),
    instance: spec,
    onEvent,
  });
  const handle = createWebhookHandler({ provisioner, auth: { sharedSecrets: [SECRET] } });
  const start = Date.now();
  const answers = [];
  await Promise.all([
    ...Array.from({ length: users }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, random() * arrivalMs));
      answers.push((await handle(signupRequest(userId(i)))).status);
    }),
    allReady,
  ]);
  await provisioner.close();
  await server.close();
  const records = (await memory.list({ limit: 10_000 })).records;
  return { users, ...summarize({ fake, users, readyAt, runningAt, start, answers, records }) };
}

function simulatedProbe(model, lagMs, fake, clock, runningAt) {
  const runsSince = (instanceId) => runningAt.get(fake.instance(instanceId)?.name) ?? Infinity;
  switch (model) {
    case 'exact':
      return async ({ instanceId }) => fake.instance(instanceId)?.status === 'running';
    case 'late':
      return async ({ instanceId }) => clock.now() >= runsSince(instanceId) + lagMs;
    case 'early':
      return async () => true;
    case 'silent':
      return async () => false;
    default:
      throw new Error(`unknown probe model ${model}`);
  }
}
