import type pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import type { CliIo } from '../../src/cli/main.js';
import { main } from '../../src/cli/main.js';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { type NewUserDatabaseRecord, newRecord } from '../../src/records/record.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { PostgresCredentialStore } from '../../src/stores/postgres-store.js';
import { type AuraMock, type AuraMockOptions, createAuraMock } from '../../src/testing/index.js';
import { createTestPool, createTestSchema, testPostgres } from '../support/postgres.js';

export const CLIENT_ID = 'cli-client-id';
export const CLIENT_SECRET = 'cli-client-secret-0f3b9a';
export const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
export const OTHER_KEY = 'HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=';
export const DB_PASSWORD = 'db-pass-7c41e2';
export const PREFIX = 'ap-';
export const SPEC_ENV = {
  AURA_INSTANCE_TYPE: 'professional-db',
  AURA_INSTANCE_MEMORY: '1GB',
  AURA_INSTANCE_REGION: 'europe-west1',
  AURA_INSTANCE_CLOUD_PROVIDER: 'gcp',
};

/** `n` UUID user ids (their instance names encode them reversibly). */
export const uuids = (n: number, seed = 1) =>
  Array.from(
    { length: n },
    (_, i) => `${(seed * 1000 + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  );

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (fails the test if it is not exactly one document). */
  json<T = Record<string, unknown>>(): T;
}

/** Options of a run: a terminal or a pipe, and an answer to a confirmation. */
export interface RunOptions {
  tty?: boolean;
  columns?: number;
  confirm?: (question: string) => Promise<boolean>;
  signal?: AbortSignal;
}

/** Runs `main` in this process with captured stdout and stderr. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  options: RunOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty, columns: options.columns },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty },
    confirm: options.confirm,
    signal: options.signal,
  };
  const code = await main(argv, env, io);
  return {
    code,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
  };
}

/** The test server's URL with a password (trust auth ignores it), so tests can look for it in output. */
function urlWithPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password === '') parsed.password = DB_PASSWORD;
  return parsed.toString();
}

/**
 * The loopback Aura fake, a fresh schema in the run's PostgreSQL with the
 * table migrated, and the environment that points the CLI at both. Set up in
 * `beforeAll`, torn down in `afterAll`.
 */
export function useCliWorld(mock: AuraMockOptions = {}) {
  const world = {} as {
    fake: AuraMock;
    store: PostgresCredentialStore;
    pool: pg.Pool;
    table: string;
    env: Record<string, string>;
    /** Every secret the tests plant: none may reach any output. */
    secrets: string[];
  };
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    world.fake = createAuraMock({
      credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      creationTimeMs: 60_000,
      rateLimit: false,
      transitionMs: { destroying: 0 },
      ...mock,
    });
    const server = await world.fake.listen();
    closers.push(server.close);
    world.pool = createTestPool();
    closers.push(() => world.pool.end());
    const { schema, drop } = await createTestSchema(world.pool);
    closers.unshift(drop);
    world.table = `${schema}.user_databases`;
    world.store = new PostgresCredentialStore({ client: world.pool, table: world.table });
    await world.store.migrate();
    const databaseUrl = urlWithPassword(testPostgres().url);
    world.env = {
      AURA_CLIENT_ID: CLIENT_ID,
      AURA_CLIENT_SECRET: CLIENT_SECRET,
      AURA_TENANT_ID: 'tenant-1',
      AURA_BASE_URL: server.url,
      DATABASE_URL: databaseUrl,
      AURA_PROVISIONER_TABLE: world.table,
      AURA_PROVISIONER_KEYS: `k1=${KEY}`,
      ...SPEC_ENV,
    };
    world.secrets = [CLIENT_SECRET, KEY, new URL(databaseUrl).password];
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });
  return world;
}

const cipher = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });

/**
 * Seeds a record, and for statuses that have one, its instance at the fake
 * (running, with a known password) and its encrypted password. Returns the
 * planted secrets (the password and its ciphertext).
 */
export async function seedUser(
  world: ReturnType<typeof useCliWorld>,
  userId: string,
  fields: Partial<NewUserDatabaseRecord> = {},
): Promise<{ instanceId: string | null; secrets: string[] }> {
  const instanceName = instanceNameForUser(userId, PREFIX);
  const status = fields.status ?? 'ready';
  let instanceId: string | null = null;
  const secrets: string[] = [];
  let encrypted: Partial<NewUserDatabaseRecord> = {};
  if (status === 'ready' || status === 'creating' || status === 'deleting') {
    const password = `pw-${userId.slice(0, 8)}-Zq9`;
    const instance = world.fake.addInstance({ name: instanceName, tenantId: 'tenant-1', password });
    instanceId = instance.id;
    const encryptedPassword = await cipher.encrypt(password, userId);
    secrets.push(password, encryptedPassword);
    encrypted = {
      instanceId,
      encryptedPassword,
      username: 'neo4j',
      connectionUrl: `neo4j+s://${instanceId}.databases.neo4j.io`,
      readyAt: status === 'ready' ? Date.now() : null,
    };
  }
  await world.store.claim(newRecord(userId, instanceName, { status, ...encrypted, ...fields }));
  world.secrets.push(...secrets);
  return { instanceId, secrets };
}

/** Fails when any planted secret appears in what a run printed. */
export function expectNoSecrets(run: CliRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}
