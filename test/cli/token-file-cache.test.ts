import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuraClient } from '../../src/aura/index.js';
import { openAura } from '../../src/cli/services.js';
import { createFileTokenCache, tokenCacheDir } from '../../src/cli/token-file-cache.js';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';

const CREDENTIALS = { clientId: 'cli-client', clientSecret: 'cli-secret-0123456789' };
const HOUR = 3_600_000;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aura-token-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake that refuses more than 15 token requests an hour, as Aura does. */
function fakeAura() {
  const clock = createTestClock();
  const fake = createAuraMock({ clock, tokenRateLimit: { limit: 15, windowMs: HOUR } });
  server.resetHandlers(...fake.handlers);
  const tokenRequests = () => fake.requests.filter((r) => r.path === '/oauth/token');
  return { clock, fake, tokenRequests };
}

/** A client as each CLI command opens it: a new process, the same files. */
const command = (clock: ReturnType<typeof createTestClock>, cacheDir = dir) =>
  new AuraClient({
    ...CREDENTIALS,
    tenantId: 'tenant-1',
    clock,
    tokenCache: createFileTokenCache({ dir: cacheDir, clientSecret: CREDENTIALS.clientSecret }),
  });

describe('tokenCacheDir', () => {
  it('is AURA_PROVISIONER_CACHE_DIR, else under XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(tokenCacheDir({ AURA_PROVISIONER_CACHE_DIR: '/tmp/x', HOME: '/h' })).toBe('/tmp/x');
    expect(tokenCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/aura-provisioner');
    expect(tokenCacheDir({ HOME: '/h' })).toBe('/h/.cache/aura-provisioner');
  });

  it('is none when turned off or when no home is known', () => {
    expect(tokenCacheDir({ AURA_PROVISIONER_CACHE_DIR: 'off', HOME: '/h' })).toBeUndefined();
    expect(tokenCacheDir({})).toBeUndefined();
  });
});

describe('createFileTokenCache', () => {
  it('lets 100 commands in an hour make at most 2 token requests, none refused', async () => {
    const { clock, tokenRequests } = fakeAura();
    for (let i = 0; i < 100; i++) {
      await command(clock).tenants.list();
      await clock.advance(HOUR / 100);
    }
    expect(tokenRequests().length).toBeLessThanOrEqual(2);
    expect(tokenRequests().every((request) => request.status === 200)).toBe(true);
  });

  it('is what the CLI opens its client with', async () => {
    const { fake, tokenRequests } = fakeAura();
    const config = { ...CREDENTIALS, tenantId: 'tenant-1', baseUrl: fake.baseUrl };
    const aura = () => openAura({ ...config, instancePrefix: 'user-', tokenCacheDir: dir });
    await aura().tenants.list();
    await aura().tenants.list();
    expect(tokenRequests()).toHaveLength(1);
  });

  it('keeps the token encrypted in an owner-only file, in an owner-only folder', async () => {
    const { clock, fake } = fakeAura();
    await command(clock).tenants.list();
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const file = join(dir, files[0] as string);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const cache = createFileTokenCache({ dir, clientSecret: CREDENTIALS.clientSecret });
    const token = await cache.get(`${CREDENTIALS.clientId}@${fake.baseUrl}`);
    expect(token?.value.length).toBeGreaterThan(10);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token?.value);
    expect(text).not.toContain(CREDENTIALS.clientSecret);
    expect(text).not.toMatch(/expiresAt|value/);
  });

  it('is of no use with another client secret: that client asks for its own token', async () => {
    const { clock, tokenRequests } = fakeAura();
    await command(clock).tenants.list();
    const other = new AuraClient({
      ...CREDENTIALS,
      clientSecret: 'another-secret-0123456789',
      tenantId: 'tenant-1',
      clock,
      tokenCache: createFileTokenCache({ dir, clientSecret: 'another-secret-0123456789' }),
    });
    await other.tenants.list();
    expect(tokenRequests()).toHaveLength(2);
  });

  it('lets commands started together make one token request (a lock file)', async () => {
    const { clock, tokenRequests } = fakeAura();
    await Promise.all(Array.from({ length: 5 }, () => command(clock).tenants.list()));
    expect(tokenRequests()).toHaveLength(1);
  });

  it('takes over a lock file left by a command that died', async () => {
    const { clock, tokenRequests } = fakeAura();
    await command(clock).tenants.list();
    const [file] = await readdir(dir);
    const lock = join(dir, (file as string).replace(/\.json$/, '.lock'));
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await clock.advance(HOUR); // the token is due: the next command must refresh it
    await command(clock).tenants.list();
    expect(tokenRequests()).toHaveLength(2);
  });
});
