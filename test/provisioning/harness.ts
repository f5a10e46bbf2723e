import { inspect } from 'node:util';
import { expect, onTestFinished } from 'vitest';
import { AuraClient } from '../../src/aura/client.js';
import type { Logger } from '../../src/kernel/logger.js';
import {
  createProvisioner,
  type Provisioner,
  type ProvisionerOptions,
} from '../../src/provisioning/provisioner.js';
import type { ProvisioningEventInfo } from '../../src/records/events.js';
import { type HostStore, isHostStore } from '../../src/records/host-record.js';
import type { CredentialStore } from '../../src/records/store.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { type AuraMockOptions, createAuraMock, createTestClock } from '../../src/testing/index.js';

export const SPEC = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;

export const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
export const userIds = (n: number, seed = 1) =>
  Array.from(
    { length: n },
    (_, i) => `${(seed * 100_000 + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  );

/** A kill switch: once pulled, every call through the wrapped parts hangs forever (a dead process). */
export function killSwitch() {
  let dead = false;
  const never = () => new Promise<never>(() => {});
  return {
    kill: () => {
      dead = true;
    },
    get dead() {
      return dead;
    },
    guard: <T>(run: () => Promise<T>): Promise<T> => (dead ? never() : run()),
  };
}

/** Wraps a store so that every method goes through `around` (kill switches, injected failures). */
export function wrapStore(
  store: CredentialStore,
  around: (
    method: keyof CredentialStore,
    args: unknown[],
    run: () => Promise<unknown>,
  ) => Promise<unknown>,
  options: { hosts?: boolean } = {},
): CredentialStore {
  const wrap =
    (method: keyof CredentialStore) =>
    (...args: unknown[]) =>
      around(method, args, () =>
        (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args),
      );
  const wrapped = {
    get: wrap('get'),
    claim: wrap('claim'),
    update: wrap('update'),
    delete: wrap('delete'),
    list: wrap('list'),
    ...(store.recordUse ? { recordUse: wrap('recordUse') } : {}),
  } as CredentialStore;
  if (!options.hosts || !isHostStore(store)) return wrapped;
  // Host records too, when asked (method names passed as they are).
  const wrapHost =
    (method: keyof HostStore) =>
    (...args: unknown[]) =>
      around(method as keyof CredentialStore, args, () =>
        (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args),
      );
  return Object.assign(wrapped, {
    getHost: wrapHost('getHost'),
    claimHost: wrapHost('claimHost'),
    updateHost: wrapHost('updateHost'),
    deleteHost: wrapHost('deleteHost'),
    listHosts: wrapHost('listHosts'),
  });
}

/**
 * The Aura fake on a simulated clock, a client, a memory store and a
 * provisioner, with every log line, event and secret captured.
 */
export function createHarness(mock: AuraMockOptions = {}) {
  const clock = createTestClock();
  const fake = createAuraMock({ clock, creationTimeMs: 90_000, ...mock });
  const secrets: string[] = ['test-client-secret', KEY];
  const logs: string[] = [];
  const events: ProvisioningEventInfo[] = [];
  const errors: unknown[] = [];
  const logger: Logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, fields?: Record<string, unknown>) =>
        logs.push(`${level} ${message} ${JSON.stringify(fields)} ${inspect(fields)}`),
    ]),
  );
  // Every answer passes through here: keep tokens and passwords to search for later.
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fake.handle(new Request(input, init));
    const text = await response.clone().text();
    for (const match of text.matchAll(/"(?:password|access_token)":"([^"]+)"/g)) {
      if (match[1]) secrets.push(match[1]);
    }
    return response;
  };
  const newClient = (fetchImpl: typeof globalThis.fetch = fetch as typeof globalThis.fetch) =>
    new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: 'tenant-1',
      clock,
      fetch: fetchImpl,
      logger,
    });
  const store = new MemoryCredentialStore({ clock });
  const aesGcm = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });
  // Web Crypto runs on real time: the simulated clock waits for it before firing timers.
  const cipher = {
    encrypt: (plaintext: string, context: string) =>
      clock.track(aesGcm.encrypt(plaintext, context)),
    decrypt: (ciphertext: string, context: string) =>
      clock.track(aesGcm.decrypt(ciphertext, context)),
  };
  const newProvisioner = (overrides: Partial<ProvisionerOptions> = {}): Provisioner =>
    createProvisioner({
      aura: newClient(),
      store,
      cipher,
      clock,
      logger,
      instance: SPEC,
      onEvent: (event) => events.push(event),
      ...overrides,
    });

  const h = {
    clock,
    fake,
    fetch,
    store,
    cipher,
    logs,
    events,
    errors,
    secrets,
    newClient,
    newProvisioner,
    /** Runs `promise` on simulated time; a rejection is kept for the secret scan and rethrown. */
    run: async <T>(promise: Promise<T>): Promise<T> => {
      try {
        return await clock.runUntil(promise);
      } catch (error) {
        errors.push(error);
        throw error;
      }
    },
    creates: () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/instances'),
    apiCalls: () => fake.requests.filter((r) => r.path.startsWith('/v1/')),
    liveInstances: (name?: string) =>
      fake.instances.filter(
        (i) => i.status !== 'destroying' && (name === undefined || i.name === name),
      ),
    eventTypes: (userId: string) => events.filter((e) => e.userId === userId).map((e) => e.type),
    /** No captured secret (client secret, key, token, password, ciphertext) in any log, event or error. */
    async assertNoSecrets({ requireCaptured = true } = {}) {
      const records = (await store.list({ limit: 1000 })).records;
      const hosts = await store.listHosts();
      const all = [
        ...secrets,
        ...records.flatMap((r) => (r.encryptedPassword ? [r.encryptedPassword] : [])),
        ...hosts.flatMap((host) => (host.encryptedPassword ? [host.encryptedPassword] : [])),
      ];
      const haystack = [
        ...logs,
        ...events.map((e) => JSON.stringify(e)),
        ...errors.flatMap((e) => [String(e), JSON.stringify(e), inspect(e, { depth: 6 })]),
      ].join('\n');
      if (requireCaptured) expect(secrets.length).toBeGreaterThan(2);
      for (const secret of all) expect(haystack).not.toContain(secret);
    },
  };
  // Every test that builds a harness is also a secrets test.
  onTestFinished(() => h.assertNoSecrets({ requireCaptured: false }));
  return h;
}
