import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as cli } from '../src/cli/main.js';
import { generateAesGcmKey } from '../src/index.js';
import { createAuraMock } from '../src/testing/index.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

/**
 * `aura-provisioner dev` as the quick start tells a new user to run it: started in this
 * process, its printed `export NAME=value` lines put into the environment, stopped at the end.
 */
async function startDevFake(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const abort = new AbortController();
  let stdout = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } };
  const exit = cli(['dev', '--port', '0', '--pg-port', '0'], {}, { ...io, signal: abort.signal });
  for (let i = 0; i < 3_000 && !stdout.includes('Requests'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const env = Object.fromEntries(
    [...stdout.matchAll(/^export (AURA_\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
  );
  return {
    env,
    async stop() {
      abort.abort();
      expect(await exit).toBe(0);
    },
  };
}

describe('README', () => {
  let dir: string;
  let close: () => Promise<void>;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(join(__dirname, '.readme-'));
    const dev = await startDevFake();
    close = dev.stop;
    // Exactly what the dev command printed: the quick start needs nothing else.
    expect(Object.keys(dev.env).sort()).toEqual([
      'AURA_BASE_URL',
      'AURA_CLIENT_ID',
      'AURA_CLIENT_SECRET',
      'AURA_EXPECTED_CREATION_MS',
      'AURA_INSTANCE_CLOUD_PROVIDER',
      'AURA_INSTANCE_MEMORY',
      'AURA_INSTANCE_REGION',
      'AURA_INSTANCE_TYPE',
      'AURA_ORGANIZATION_ID',
      'AURA_PROVISIONER_KEYS',
      'AURA_TENANT_ID',
    ]);
    Object.assign(process.env, dev.env);
    // Its embedded PostgreSQL can take over 10 s to start on a loaded machine.
  }, 30_000);

  afterAll(async () => {
    process.env = env;
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the quick start as written against `aura-provisioner dev`, printing progress as it waits', async () => {
    const [quickStart] = await readmeBlocks('Quick start');
    expect(quickStart).toContain("from 'aura-provisioner'");
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const started = Date.now();
      await (await loadAsModule(dir, 'quick-start', quickStart ?? ''))();
      // The dev fake runs an instance after 5 s: no minute-and-a-half wait in silence.
      expect(Date.now() - started).toBeLessThan(15_000);
      const lines = log.mock.calls.map((args) => args.join(' '));
      expect(lines[0]).toMatch(/^(not-found|creating) after 0s$/);
      expect(lines.at(-2)).toMatch(/^running after \d+s$/);
      expect(log).toHaveBeenLastCalledWith(
        'running',
        expect.stringMatching(/^neo4j\+s:\/\/[0-9a-f]{8}\.databases\.neo4j\.io$/),
        'neo4j',
        true,
      );
    } finally {
      log.mockRestore();
    }
  }, 30_000);

  it("runs the quick start's provisioner as written against `aura-provisioner dev`: a ready user in under 15 s", async () => {
    const [, provision] = await readmeBlocks('Quick start');
    expect(provision).toContain('createProvisioner(');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const started = Date.now();
      await (await loadAsModule(dir, 'provision', provision ?? ''))();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(log).toHaveBeenLastCalledWith(
        'ready',
        expect.stringMatching(/^neo4j\+s:\/\/[0-9a-f]{8}\.databases\.neo4j\.io$/),
      );
    } finally {
      log.mockRestore();
    }
  }, 30_000);

  it("runs the provisioning guide's example as written, on simulated time, against the in-process fake", async () => {
    const [example] = await readmeBlocks('Set up a provisioner', 'docs/guides/provisioning.md');
    const main = await loadAsModule(dir, 'provisioning', example ?? '');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fake = createAuraMock({ creationTimeMs: 120_000 });
    const server = setupServer(...fake.handlers);
    server.listen({ onUnhandledFrame: 'error' });
    Object.assign(process.env, {
      AURA_BASE_URL: 'https://api.neo4j.io',
      AURA_PROVISIONER_KEYS: `k1=${generateAesGcmKey()}`,
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
      expect(log).toHaveBeenCalledWith('ready', expect.stringMatching(/^ap-t[0-9a-z]{25}$/), true);
      expect(fake.instances).toHaveLength(1);
    } finally {
      log.mockRestore();
      server.close();
      vi.useRealTimers();
    }
  });
});
