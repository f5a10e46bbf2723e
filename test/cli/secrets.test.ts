import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { expectNoSecrets, PREFIX, runCli, seedUser, useCliWorld, uuids } from './harness.js';

// Every command, as text and as JSON, succeeding and failing: no planted secret may come out.
const world = useCliWorld();
const [ready, failed, creating] = uuids(3, 40) as [string, string, string];

beforeAll(async () => {
  await seedUser(world, ready);
  await seedUser(world, failed, {
    status: 'failed',
    lastError: 'loading-failed',
    nextCheckAt: null,
  });
  await seedUser(world, creating, { status: 'creating' });
  world.fake.addInstance({
    name: instanceNameForUser(uuids(1, 41)[0] as string, PREFIX),
    password: 'orphan-pw-88x',
  });
  world.secrets.push('orphan-pw-88x');
});

const COMMAND_LINES = [
  ['doctor'],
  ['status', ready],
  ['status', failed],
  ['list'],
  ['reconcile', '--dry-run'],
  ['reconcile'],
  ['orphans'],
  ['deprovision', 'nobody', '--yes'],
];

describe('no secret in any output', () => {
  it.each(COMMAND_LINES.flatMap((argv) => [[argv], [[...argv, '--json']]]))('%j', async (argv) => {
    const run = await runCli(argv, world.env);
    expect([0, 1, 3]).toContain(run.code);
    expectNoSecrets(run, world.secrets);
    if (argv.includes('--json')) expect(() => run.json()).not.toThrow();
  });

  it.each([
    ['a wrong secret', { AURA_CLIENT_SECRET: 'wrong-secret-but-still-secret' }],
    ['a bad key', { AURA_PROVISIONER_KEYS: 'k1=c2hvcnQta2V5LXNlY3JldA==' }],
    ['an unreachable store', { DATABASE_URL: 'postgres://u:store-pw-4471@127.0.0.1:1/x' }],
  ])('nor when a command fails on %s', async (_what, env) => {
    const secrets = [...world.secrets, ...Object.values(env)];
    for (const argv of [['doctor', '--json'], ['reconcile', '--json'], ['orphans'], ['list']]) {
      const run = await runCli(argv, { ...world.env, ...env });
      expectNoSecrets(run, secrets);
    }
  });

  it('nor when Aura cannot be reached', async () => {
    const run = await runCli(['doctor'], { ...world.env, AURA_BASE_URL: 'http://127.0.0.1:1' });
    expect(run.stdout).toMatch(
      /FAIL {2}Aura credentials {2}cannot reach Aura at http:\/\/127\.0\.0\.1:1/,
    );
    expectNoSecrets(run, world.secrets);
  });

  it('nor when the secrets come from a config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aura-cli-secrets-'));
    try {
      const file = join(dir, 'aura.json');
      const { AURA_CLIENT_SECRET, AURA_PROVISIONER_KEYS, DATABASE_URL, ...rest } = world.env;
      await writeFile(
        file,
        JSON.stringify({
          clientSecret: AURA_CLIENT_SECRET,
          keys: AURA_PROVISIONER_KEYS,
          databaseUrl: DATABASE_URL,
        }),
      );
      const run = await runCli(['doctor', '--json', '--config', file], rest);
      expect(run.json<{ ok: boolean }>().ok).toBe(true);
      expectNoSecrets(run, world.secrets);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
