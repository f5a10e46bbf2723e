import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { runCli, seedUser, useCliWorld, uuids } from './harness.js';

const world = useCliWorld();

/** The world's environment without the four instance settings. */
const withoutInstanceSettings = () =>
  Object.fromEntries(
    Object.entries(world.env).filter(([name]) => !name.startsWith('AURA_INSTANCE_')),
  );

const needsOf = (name: string) => COMMANDS.find((c) => c.name === name)?.needs;

describe('the settings each command needs', () => {
  it('only the commands that may create an instance need the instance spec', () => {
    expect(needsOf('deprovision')).toEqual(['aura', 'store', 'cipher']);
    expect(needsOf('status')).toEqual(['store']);
    expect(needsOf('list')).toEqual(['store']);
    expect(needsOf('migrate')).toEqual(['store']);
    expect(needsOf('reconcile')).toContain('instance');
  });

  it.each([
    ['deprovision', 'Settings needed: Aura API, store, credential keys.'],
    ['status', 'Settings needed: store.'],
    ['migrate', 'Settings needed: store.'],
  ])('%s --help names only what it needs', async (name, line) => {
    const run = await runCli([name, '--help'], {});
    expect(run.stdout).toContain(line);
  });

  it('status and list run without the instance settings', async () => {
    const [user] = uuids(1, 60) as [string];
    await seedUser(world, user);
    const env = withoutInstanceSettings();
    const status = await runCli(['status', user], env);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const list = await runCli(['list', '--json'], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
  });

  it('reconcile, which may retry creates, still refuses without them: exit 2, naming them', async () => {
    const run = await runCli(['reconcile'], withoutInstanceSettings());
    expect(run.code).toBe(2);
    for (const name of [
      'AURA_INSTANCE_TYPE',
      'AURA_INSTANCE_MEMORY',
      'AURA_INSTANCE_REGION',
      'AURA_INSTANCE_CLOUD_PROVIDER',
    ]) {
      expect(run.stderr).toContain(`${name} (or`);
    }
  });
});
