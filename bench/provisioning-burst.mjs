// A burst of signups on simulated time against the Aura fake with Aura's 125/min limit:
// API calls per user, 429s, running -> ready latency, and time to all-ready vs the rate floor.
import {
  AuraClient,
  createInsecurePlaintextCipher,
  createProvisioner,
  MemoryCredentialStore,
} from '../dist/index.js';
import { createAuraMock, createTestClock } from '../dist/testing.js';

/** A small seeded PRNG, so every run draws the same creation times. */
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

const quantile = (sorted, q) =>
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
 * `users` signups arrive uniformly within `arrivalMs`; each instance takes a
 * creation time drawn uniformly from [minCreationMs, maxCreationMs]. Signups
 * come in as a webhook would bring them (`claimUser`, the create runs in the
 * scheduler). With `probe` (one of {@link PROBE_MODELS}; `true` is `exact`), a
 * simulated readiness probe gates the status reads. `poll` overrides the poll policy
 * (`{ idleReadIntervalMs: 0 }`: no idle-budget reads). A quiet day is the same run with few
 * users over a long `arrivalMs`.
 */
export async function runBurst({
  users = 1_000,
  arrivalMs = 60_000,
  minCreationMs = 60_000,
  maxCreationMs = 180_000,
  probe = false,
  lagMs = 20_000,
  poll,
  seed = 42,
} = {}) {
  const model = probe === true ? 'exact' : probe;
  const random = mulberry32(seed);
  const clock = createTestClock({ settleTurns: 2 });
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
  const fetch = (input, init) => fake.handle(new Request(input, init));
  const aura = new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    clock,
    fetch,
  });
  const readyAt = new Map();
  let resolveAll;
  const allReady = new Promise((resolve) => {
    resolveAll = resolve;
  });
  const provisioner = createProvisioner({
    aura,
    store: new MemoryCredentialStore({ clock }),
    // Web Crypto works on real time; the simulation needs every step on simulated time.
    cipher: createInsecurePlaintextCipher(),
    clock,
    instance: spec,
    poll,
    readinessProbe: model ? simulatedProbe(model, lagMs, fake, clock, runningAt) : undefined,
    onEvent: (event) => {
      if (event.type !== 'ready') return;
      readyAt.set(event.instanceName, event.at);
      if (readyAt.size === users) resolveAll();
    },
  });
  const start = clock.now();
  const arrivals = Array.from({ length: users }, () => random() * arrivalMs).sort((a, b) => a - b);
  const userId = (i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const signups = Promise.all(
    arrivals.map(async (at, i) => {
      await clock.sleep(at);
      await provisioner.claimUser(userId(i));
    }),
  );
  const wallStart = performance.now();
  await clock.runUntil(Promise.all([signups, allReady]));
  const wallMs = performance.now() - wallStart;
  await provisioner.close();

  const api = fake.requests.filter((r) => r.path.startsWith('/v1/'));
  const latencies = [...readyAt]
    .map(([name, at]) => at - runningAt.get(name))
    .sort((a, b) => a - b);
  const totalMs = Math.max(...readyAt.values()) - start;
  const floorMs = ((2 * users) / 125) * 60_000;
  return {
    users,
    probe: model,
    apiCallsPerUser: api.length / users,
    creates: api.filter((r) => r.method === 'POST').length,
    statusReads: api.filter((r) => r.method === 'GET').length,
    tooManyRequests: api.filter((r) => r.status === 429).length,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP95Ms: quantile(latencies, 0.95),
    totalMin: totalMs / 60_000,
    floorMin: floorMs / 60_000,
    ratioToFloor: totalMs / floorMs,
    wallMs,
  };
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
