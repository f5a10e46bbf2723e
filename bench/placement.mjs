// Instance per user vs database per user (shared multi-database hosts with warm capacity), on
// the same simulated Aura: instances start in 60–180 s, databases in 2–6 s, 125 calls a minute
// counted on arrival, 0–250 ms latency per request. Signups come through the webhook handler.
// Figures: signup -> ready p50/p95, API calls per user, 429s, instances and GB per 1,000 users.

import neo4j from 'neo4j-driver';
import {
  createInsecurePlaintextCipher,
  createProvisioner,
  MemoryCredentialStore,
} from '../dist/index.js';
import { createUserClients } from '../dist/neo4j.js';
import { createAuraMock, createTestClock } from '../dist/testing.js';
import { createWebhookHandler } from '../dist/webhooks.js';
import {
  mulberry32,
  quantile,
  SECRET,
  signupRequest,
  simulatedClient,
  userId,
} from './provisioning-burst.mjs';

const INSTANCE = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};
const HOST = {
  organizationId: 'org-1',
  projectId: 'tenant-1',
  memory: '16GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

/**
 * `users` signups, either spread evenly over `arrivalMs` (`steady`) or at random within it (a
 * burst), after `warmupMs` of the provisioner running (its start-up reconcile opens the first
 * host). `placement`: 'instance' or 'database'.
 */
export async function runPlacement({
  placement,
  users = 1_000,
  arrivalMs = 60_000,
  steady = false,
  warmupMs = 300_000,
  hostMemory = HOST.memory,
  seed = 7,
  debug = false,
  // The fake's reading of Aura's pages: `{ databaseNaming: 'auto', databasesPerGb: 1 }` for the
  // current one (Aura names databases, fewer per host); the preview page's by default.
  readings = {},
} = {}) {
  const random = mulberry32(seed);
  const clock = createTestClock({ settleTurns: 3 });
  const fake = createAuraMock({
    clock,
    random: mulberry32(seed + 1),
    creationTimeMs: () => 60_000 + random() * 120_000,
    databaseCreationTimeMs: 2_000 + random() * 4_000,
    ...readings,
  });
  const latency = mulberry32(seed + 2);
  const fetch = async (input, init) => {
    await clock.sleep(latency() * 250);
    return fake.handle(new Request(input, init));
  };
  const aura = simulatedClient(clock, fetch);
  const signedUpAt = new Map();
  const readyAt = new Map();
  let resolveAll;
  const allReady = new Promise((resolve) => {
    resolveAll = resolve;
  });
  const store = new MemoryCredentialStore({ clock });
  const cipher = createInsecurePlaintextCipher();
  const provisioner = createProvisioner({
    aura,
    store,
    cipher,
    clock,
    ...(placement === 'database'
      ? { placement: { kind: 'database-per-user', host: { ...HOST, memory: hostMemory } } }
      : { instance: INSTANCE }),
    onEvent: (event) => {
      if (event.type !== 'ready' || !event.userId) return;
      readyAt.set(event.userId, event.at);
      if (readyAt.size === users) resolveAll();
    },
  });
  const handle = createWebhookHandler({ provisioner, auth: { sharedSecrets: [SECRET] } });
  await clock.runUntil(provisioner.reconcile());
  await clock.runUntil(clock.sleep(warmupMs));
  const start = clock.now();
  const arrivals = Array.from({ length: users }, (_, i) =>
    steady ? (i * arrivalMs) / users : random() * arrivalMs,
  ).sort((a, b) => a - b);
  const signups = Promise.all(
    arrivals.map(async (at, i) => {
      await clock.sleep(at);
      signedUpAt.set(userId(i), clock.now());
      // The handler checks the secret with Web Crypto, on real time: the clock waits for it (the
      // memory store never fails a claim here, so the handler never waits on the clock itself).
      await clock.track(handle(signupRequest(userId(i))));
    }),
  );
  const wallStart = performance.now();
  await clock.runUntil(Promise.all([signups, allReady]));
  const wallMs = performance.now() - wallStart;
  await clock.runUntil(provisioner.close());

  // Every user active at once through one client cache: how many drivers (connection pools)?
  let drivers = 0;
  const clients = createUserClients({
    store,
    cipher,
    maxSize: users,
    createDriver: (url, auth, config) => {
      drivers++;
      return neo4j.driver(url, auth, config);
    },
  });
  await Promise.all(Array.from({ length: users }, (_, i) => clients.driverFor(userId(i))));
  await clients.closeAll();

  const waits = [...readyAt].map(([id, at]) => at - signedUpAt.get(id)).sort((a, b) => a - b);
  const api = fake.requests.filter((r) => /^\/(v1|v2beta1)\//.test(r.path));
  const instances = fake.instances.filter((i) => i.status !== 'destroying');
  const gb = instances.reduce((sum, i) => sum + Number.parseInt(i.memory, 10), 0);
  return {
    placement,
    users,
    steady,
    signupToReadyP50Ms: quantile(waits, 0.5),
    signupToReadyP95Ms: quantile(waits, 0.95),
    allReadyMin: (Math.max(...readyAt.values()) - start) / 60_000,
    apiCallsPerUser: api.length / users,
    tooManyRequests: api.filter((r) => r.status === 429).length,
    instances: instances.length,
    instancesPer1000Users: (instances.length * 1000) / users,
    gbPer1000Users: (gb * 1000) / users,
    driversForAllUsers: drivers,
    wallMs,
    ...(debug ? { waits: [...readyAt].map(([id, at]) => at - signedUpAt.get(id)) } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = { databaseNaming: 'auto', databasesPerGb: 1 };
  for (const [placement, steady, users, arrivalMs, readings] of [
    ['instance', true, 200, 6_000_000, {}],
    ['database', true, 200, 6_000_000, {}],
    ['database', true, 200, 6_000_000, current],
    ['instance', false, 1_000, 60_000, {}],
    ['database', false, 1_000, 60_000, {}],
    ['database', false, 1_000, 60_000, current],
  ]) {
    const options = { placement, steady, users, arrivalMs, readings };
    console.log(JSON.stringify(await runPlacement(options)));
  }
}
