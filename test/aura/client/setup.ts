/**
 * Shared setup of the client tests: a fake Aura and a client on one simulated
 * clock, served through MSW (the real fetch path). An unexpected request
 * fails the test, and so does a request body the OpenAPI document rejects.
 */
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { AuraClient, type AuraClientOptions } from '../../../src/aura/index.js';
import {
  type AuraMock,
  type AuraMockOptions,
  createAuraMock,
  createTestClock,
  type RecordedRequest,
  type TestClock,
} from '../../../src/testing/index.js';
import { validateRequest } from '../../support/openapi.js';

/** The fake's default client credentials. */
export const CREDENTIALS = { clientId: 'test-client-id', clientSecret: 'test-client-secret' };
/** The fake's default tenant. */
export const TENANT_ID = 'tenant-1';
/** A create input the fake's default tenant accepts. */
export const INSTANCE_SPEC = {
  name: 'user-1',
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;

/** One test's world: a fake, a client and the clock they share. */
export interface Harness {
  clock: TestClock;
  fake: AuraMock;
  aura: AuraClient;
  /** Drives simulated time until `promise` settles. */
  run<T>(promise: Promise<T>): Promise<T>;
}

export interface HarnessOptions {
  fake?: Omit<AuraMockOptions, 'clock'>;
  client?: Partial<AuraClientOptions>;
}

/** Builds a fake and a client on one fresh test clock. */
export function createHarness(options: HarnessOptions = {}): Harness {
  const clock = createTestClock();
  // Strict credentials (the fake takes any pair by default): wrong-secret tests need a refusal.
  const fake = createAuraMock({ credentials: [CREDENTIALS], ...options.fake, clock });
  const aura = new AuraClient({ ...CREDENTIALS, tenantId: TENANT_ID, clock, ...options.client });
  return { clock, fake, aura, run: (promise) => clock.runUntil(promise) };
}

/**
 * Serves a fresh fake per test through MSW for the calling test file: call it
 * at the top of the file, then `setup()` in each test. Requests no handler
 * expects fail the test; after each test every recorded request body is
 * validated against the OpenAPI document, and parked requests end.
 */
export function useAuraFake(): {
  server: SetupServer;
  setup: (options?: HarnessOptions) => Harness;
} {
  const server = setupServer();
  const fakes: AuraMock[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    const used = fakes.splice(0);
    const invalid = used.flatMap((fake) => requestsBreakingTheContract(fake));
    for (const fake of used) fake.reset();
    server.resetHandlers();
    expect(invalid, 'requests that break the OpenAPI document').toEqual([]);
  });
  afterAll(() => server.close());
  return {
    server,
    setup(options) {
      const harness = createHarness(options);
      fakes.push(harness.fake);
      server.resetHandlers(...harness.fake.handlers);
      return harness;
    },
  };
}

/** The recorded `/v1` requests whose body the official OpenAPI document rejects, with why. */
export function requestsBreakingTheContract(fake: AuraMock) {
  return apiRequests(fake).flatMap((request) => {
    const path = request.path.slice('/v1'.length);
    const result = validateRequest({ method: request.method, path, body: request.body });
    return result.ok
      ? []
      : [{ request: `${request.method} ${request.path}`, errors: result.errors }];
  });
}

/** The `/v1` requests the fake received (token requests left out). */
export const apiRequests = (fake: AuraMock): RecordedRequest[] =>
  fake.requests.filter((request) => request.path.startsWith('/v1/'));

/** The token requests the fake received. */
export const tokenRequests = (fake: AuraMock): RecordedRequest[] =>
  fake.requests.filter((request) => request.path === '/oauth/token');

/** `METHOD /path status` of each recorded request, for readable assertions. */
export const summary = (requests: readonly RecordedRequest[]): string[] =>
  requests.map((request) => `${request.method} ${request.path} ${request.status}`);

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) {
    expect.fail(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  }
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

/** Creates an instance and drives the clock until it runs; returns its id. */
export async function runningInstance(harness: Harness, name = INSTANCE_SPEC.name) {
  const created = await harness.run(harness.aura.instances.create({ ...INSTANCE_SPEC, name }));
  await harness.run(harness.aura.instances.waitUntilRunning(created.id));
  return created;
}
