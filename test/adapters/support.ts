import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { AuraClient } from '../../src/aura/client.js';
import type { Logger } from '../../src/kernel/logger.js';
import { createProvisioner, type ProvisionerOptions } from '../../src/provisioning/provisioner.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { type AuraMockOptions, createAuraMock } from '../../src/testing/index.js';

export const SHARED_SECRET = 'test-shared-secret-0123456789abcdef';
/** `v1,whsec_` + base64 of 32 bytes, the shape Supabase shows. */
export const WHSEC = `v1,whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
export const OTHER_WHSEC = `v1,whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
export const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/supabase/${name}.json`, import.meta.url), 'utf8');

/** Values from the fixtures' `auth.users` row that must never reach a log or an answer. */
export const RECORD_SECRETS = [
  '$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY',
  '4c1f0d5e8b2a4e6f9a7c3b1d0e2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c',
  'ada@example.com',
];
const FIXTURE_USER = '6f1b2c1e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';

/** The Database Webhook body Supabase sends for a signup, for `userId`. */
export const signupBody = (userId: string, record: Record<string, unknown> = {}) => {
  const payload = JSON.parse(
    fixture('database-webhook-insert-auth-users').replaceAll(FIXTURE_USER, userId),
  );
  Object.assign(payload.record, record);
  return JSON.stringify(payload);
};
/** The Database Webhook body Supabase sends when `userId` is deleted. */
export const deleteBody = (userId: string) =>
  fixture('database-webhook-delete-auth-users').replaceAll(FIXTURE_USER, userId);
export const authHookBody = () => fixture('auth-hook-before-user-created');

export const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** An HS256 JWT as Supabase issues for a signed-in user. */
export function supabaseJwt(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ aud: 'authenticated', role: 'authenticated', ...claims })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/**
 * A provisioner on the real clock against the in-process Aura fake, with
 * instances that take `creationTimeMs` (default 30 ms) and every log line kept.
 */
export function createWebhookFixture(
  mock: AuraMockOptions = {},
  overrides: Partial<ProvisionerOptions> = {},
) {
  const fake = createAuraMock({ creationTimeMs: 30, transitionMs: { destroying: 0 }, ...mock });
  const logs: string[] = [];
  const logger: Logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, fields?: Record<string, unknown>) =>
        logs.push(`${level} ${message} ${JSON.stringify(fields)} ${inspect(fields)}`),
    ]),
  );
  const store = new MemoryCredentialStore();
  const aura = new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    fetch: (input, init) => fake.handle(new Request(input, init)),
    logger,
  });
  const cipher = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });
  /** Another provisioner on the same fake and store: the next process, after a restart. */
  const newProvisioner = (options: Partial<ProvisionerOptions> = {}) =>
    createProvisioner({
      aura,
      store,
      cipher,
      instance: {
        type: 'professional-db',
        memory: '1GB',
        region: 'europe-west1',
        cloudProvider: 'gcp',
      },
      logger,
      poll: {
        expectedCreationMs: 30,
        minIntervalMs: 10,
        maxIntervalMs: 50,
        notFoundGraceMs: 5_000,
      },
      ...options,
    });
  const provisioner = newProvisioner(overrides);
  const storeWrites = () => store.list({ limit: 1000 }).then((page) => page.records.length);
  const creates = () =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/instances');
  const apiCalls = () => fake.requests.filter((r) => r.path.startsWith('/v1/'));
  return { fake, store, provisioner, newProvisioner, logger, logs, storeWrites, creates, apiCalls };
}

/** Waits (real time, bounded) until `check` holds. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
