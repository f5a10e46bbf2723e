import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './built-cli.js';
import { type CliRun, expectNoSecrets, seedUser, useCliWorld, uuids } from './harness.js';

// The CLI as a user runs it (see built-cli.ts), run by Node as a child process with a pipe
// for stdout.
let bundle = '';
let remove = async () => {};
beforeAll(async () => {
  ({ bundle, remove } = await buildCli('aura-provisioner-cli-test'));
});
afterAll(() => remove());

/** Runs the built CLI with only `env` (no inherited secrets), stdin closed, stdout piped. */
function runChild(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...argv], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) reject(new Error(`the CLI was killed by ${signal}: ${stderr}`));
      else resolve({ code: code ?? -1, stdout, stderr, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}

describe('aura-provisioner as a child process', () => {
  const world = useCliWorld();

  it('is an executable script with a shebang', async () => {
    expect((await readFile(bundle, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--help: exit 0', async () => {
    const run = await runChild(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: aura-provisioner <command>/);
  });

  it('doctor --json against the loopback fake and the store: exit 0, parsable', async () => {
    await seedUser(world, uuids(1, 50)[0] as string);
    const run = await runChild(['doctor', '--json'], world.env);
    expect(run.code).toBe(0);
    expect(run.json<{ ok: boolean }>().ok).toBe(true);
    expectNoSecrets(run, world.secrets);
  });

  it('doctor with a wrong secret: exit 1, the check failed, the secret not printed', async () => {
    const run = await runChild(['doctor'], {
      ...world.env,
      AURA_CLIENT_SECRET: 'child-wrong-secret-1',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}Aura credentials/m);
    expect(run.stdout + run.stderr).not.toContain('child-wrong-secret-1');
    expectNoSecrets(run, world.secrets);
  });

  it('status of an unknown user --json: exit 3', async () => {
    const run = await runChild(['status', 'nobody', '--json'], world.env);
    expect(run.code).toBe(3);
    expect(run.json()).toMatchObject({ userId: 'nobody', status: 'not_found' });
  });

  it('reconcile --wait, piped: plain lines, no progress bar, exit 0', async () => {
    const [user] = uuids(1, 51) as [string];
    await seedUser(world, user, { status: 'deleting', nextCheckAt: Date.now() });
    const run = await runChild(['reconcile', '--wait', '10'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`deleted ${user}\n`);
    expect(run.stdout).toMatch(/After \d+s: 0 ready, 0 failed, 1 deleted, 0 still on their way\./);
    expect(run.stdout).not.toContain('\r');
    expectNoSecrets(run, world.secrets);
  });

  it('a destructive command without a terminal or --yes: exit 2, nothing deleted', async () => {
    const [user] = uuids(1, 52) as [string];
    await seedUser(world, user);
    const run = await runChild(['deprovision', user], world.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Refusing without --yes, since there is no terminal to ask:');
    expect(await world.store.get(user)).not.toBeNull();
  });

  it('a bare % in the database password: exit 0, the store is read', async () => {
    const url = new URL(world.env.DATABASE_URL as string);
    const databaseUrl = `postgres://${url.username || 'postgres'}:child%pw-5k2q@${url.host}${url.pathname}`;
    const run = await runChild(['list', '--json'], { ...world.env, DATABASE_URL: databaseUrl });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(() => run.json()).not.toThrow();
    expectNoSecrets(run, [...world.secrets, 'child%pw-5k2q']);
  });

  it('a DATABASE_URL pg cannot read: exit 2, naming it, without the password', async () => {
    const databaseUrl = 'postgres://app:child#pw-5k2q@127.0.0.1:5432/app';
    const run = await runChild(['list'], { ...world.env, DATABASE_URL: databaseUrl });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL is not a URL pg can read');
    expectNoSecrets(run, [...world.secrets, 'child#pw-5k2q', 'pw-5k2q']);
  });

  it('a missing setting: exit 2, naming it', async () => {
    const run = await runChild(['list'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL (or databaseUrl in --config) is not set');
  });
});
