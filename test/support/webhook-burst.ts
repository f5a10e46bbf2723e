import { createWebhookHandler } from '../../src/adapters/webhook-handler.js';
import { AuraClient } from '../../src/aura/client.js';
import { createProvisioner, type ProvisionerOptions } from '../../src/provisioning/provisioner.js';
import type { CredentialStore } from '../../src/records/store.js';
import { createInsecurePlaintextCipher } from '../../src/stores/cipher-insecure-plaintext.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { signupBody, uuid } from '../adapters/support.js';
import { wrapStore } from '../provisioning/harness.js';

/** A small seeded PRNG, so every run draws the same arrivals, creation times and faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WebhookBurstOptions {
  users: number;
  /** Signups arrive uniformly within this long. */
  arrivalMs?: number;
  minCreationMs?: number;
  maxCreationMs?: number;
  /** Each request reaches the fake after a random delay up to this long (it counts on arrival). */
  latencyMs?: number;
  /** Share of store calls that fail (a thrown error) at random. */
  storeFailureRate?: number;
  seed?: number;
  provisioner?: Partial<ProvisionerOptions>;
}

/**
 * Signups through the real entry point (`createWebhookHandler`, default options) on
 * simulated time, against the Aura fake with its 125/min window counted when a request
 * arrives, each request delayed by a random latency on the way.
 */
export async function runWebhookBurst(options: WebhookBurstOptions) {
  const {
    users,
    arrivalMs = 60_000,
    minCreationMs = 60_000,
    maxCreationMs = 180_000,
    latencyMs = 250,
    storeFailureRate = 0,
    seed = 7,
  } = options;
  const random = mulberry32(seed);
  const clock = createTestClock({ settleTurns: 3 });
  const fake = createAuraMock({
    clock,
    random: mulberry32(seed + 1),
    creationTimeMs: () => minCreationMs + random() * (maxCreationMs - minCreationMs),
  });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    await clock.sleep(random() * latencyMs);
    return fake.handle(new Request(input, init));
  };
  const aura = new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    clock,
    fetch,
  });
  const memory = new MemoryCredentialStore({ clock });
  let storeFailures = 0;
  const store: CredentialStore =
    storeFailureRate > 0
      ? wrapStore(memory, (_method, _args, run) => {
          if (random() < storeFailureRate) {
            storeFailures++;
            return Promise.reject(new Error('store unavailable'));
          }
          return run();
        })
      : memory;
  const ready = new Set<string>();
  let allReady: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  const provisioner = createProvisioner({
    aura,
    store,
    cipher: createInsecurePlaintextCipher(),
    clock,
    instance: {
      type: 'professional-db',
      memory: '1GB',
      region: 'europe-west1',
      cloudProvider: 'gcp',
    },
    onEvent: (event) => {
      if (event.type !== 'ready' || !event.userId) return;
      ready.add(event.userId);
      if (ready.size === users) allReady();
    },
    ...options.provisioner,
  });
  const handle = createWebhookHandler({
    provisioner,
    auth: { sharedSecrets: ['burst-secret-0123456789'] },
  });
  const ids = Array.from({ length: users }, (_, i) => uuid(i + 1));
  const arrivals = ids.map(() => random() * arrivalMs).sort((a, b) => a - b);
  const answers: number[] = [];
  const signups = Promise.all(
    ids.map(async (userId, i) => {
      await clock.sleep(arrivals[i] as number);
      // Supabase's pg_net sends once; a 5xx is lost, so the next delivery is reconcile's job.
      const response = await handle(
        new Request('https://app.example/webhooks/auth/signup', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-webhook-secret': 'burst-secret-0123456789',
          },
          body: signupBody(userId),
        }),
      );
      answers.push(response.status);
    }),
  );
  const start = clock.now();
  const deadline = clock.sleep(6 * 3_600_000);
  await clock.runUntil(Promise.race([Promise.all([signups, done]), deadline]));
  const end = clock.now();
  await clock.runUntil(provisioner.close());

  const api = fake.requests.filter((r) => r.path.startsWith('/v1/'));
  const statuses = await Promise.all(ids.map((id) => memory.get(id)));
  const byStatus: Record<string, number> = {};
  for (const record of statuses) {
    const key = record
      ? `${record.status}${record.lastError ? `/${record.lastError}` : ''}`
      : 'none';
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  // The rate floor: two calls a user (a create and one status read) at 125 a minute.
  const floorMs = ((2 * users) / 125) * 60_000;
  return {
    users,
    ready: ready.size,
    answers,
    byStatus,
    /** Creates Aura accepted (each one a billed instance). */
    creates: api.filter(
      (r) => r.method === 'POST' && r.path === '/v1/instances' && r.status === 202,
    ).length,
    deletes: api.filter((r) => r.method === 'DELETE').length,
    tooManyRequests: api.filter((r) => r.status === 429).length,
    apiCallsPerUser: api.length / users,
    liveInstances: fake.instances.filter((i) => i.status !== 'destroying').length,
    storeFailures,
    totalMs: end - start,
    ratioToFloor: (end - start) / floorMs,
  };
}
