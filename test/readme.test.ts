import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateAesGcmKey } from '../src/index.js';
import { createAuraMock } from '../src/testing/index.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

describe('README', () => {
  let dir: string;
  let close: () => Promise<void>;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(join(__dirname, '.readme-'));
    const fake = createAuraMock({ creationTimeMs: 0 });
    const server = await fake.listen();
    close = server.close;
    Object.assign(process.env, {
      AURA_CLIENT_ID: 'test-client-id',
      AURA_CLIENT_SECRET: 'test-client-secret',
      AURA_TENANT_ID: 'tenant-1',
      AURA_BASE_URL: server.url,
    });
  });

  afterAll(async () => {
    process.env = env;
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the quick start as written against the loopback Aura fake', async () => {
    const [quickStart] = await readmeBlocks('Quick start');
    expect(quickStart).toContain("from 'aura-provisioner'");
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await (await loadAsModule(dir, 'quick-start', quickStart ?? ''))();
      expect(log).toHaveBeenCalledWith(
        'running',
        expect.stringMatching(/^neo4j\+s:\/\/[0-9a-f]{8}\.databases\.neo4j\.io$/),
        'neo4j',
        true,
      );
    } finally {
      log.mockRestore();
    }
  });

  it('runs the provisioning example as written, on simulated time, against the in-process fake', async () => {
    const [example] = await readmeBlocks('Provisioning a database per user');
    const main = await loadAsModule(dir, 'provisioning', example ?? '');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = createAuraMock({ creationTimeMs: 120_000 });
    const server = setupServer(...fake.handlers);
    server.listen({ onUnhandledFrame: 'error' });
    Object.assign(process.env, {
      AURA_BASE_URL: 'https://api.neo4j.io',
      AURA_KEY_K1: generateAesGcmKey(),
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      let settled = false;
      const run = main().finally(() => {
        settled = true;
      });
      // The example waits minutes for Aura: move the faked clock until it is done. Each step also
      // lets real-time work (Web Crypto, MSW) finish, or on a loaded machine the faked clock
      // outran it and the 10 simulated minutes ran out first (seen once in CI).
      for (let i = 0; i < 600 && !settled; i++) {
        await vi.advanceTimersByTimeAsync(1_000);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await run;
      expect(log).toHaveBeenCalledWith('ready', expect.stringMatching(/^ap-u[0-9a-z]{25}$/), true);
      expect(fake.instances).toHaveLength(1);
    } finally {
      log.mockRestore();
      server.close();
      vi.useRealTimers();
    }
  });
});
