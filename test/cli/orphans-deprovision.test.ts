import { describe, expect, it, vi } from 'vitest';
import type { OrphanRow } from '../../src/cli/commands/orphans.js';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { expectNoSecrets, PREFIX, runCli, seedUser, useCliWorld, uuids } from './harness.js';

describe('aura-provisioner orphans', () => {
  const world = useCliWorld();

  it('finds none when every instance with the prefix has a record: exit 0', async () => {
    await seedUser(world, uuids(1, 20)[0] as string);
    world.fake.addInstance({ name: 'not-ours' });
    const run = await runCli(['orphans'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No orphans: the 1 instance named "ap-..." has a record.\n');
  });

  it('lists orphans without deleting them: exit 1, parsable JSON', async () => {
    const [lost] = uuids(1, 21) as [string];
    const uuidOrphan = world.fake.addInstance({ name: instanceNameForUser(lost, PREFIX) });
    const hashedOrphan = world.fake.addInstance({
      name: instanceNameForUser('user@example.com', PREFIX),
    });
    const run = await runCli(['orphans', '--json'], world.env);
    expect(run.code).toBe(1);
    const { orphans, count } = run.json<{ orphans: OrphanRow[]; count: number }>();
    expect(count).toBe(2);
    expect(orphans).toEqual(
      expect.arrayContaining([
        {
          instanceId: uuidOrphan.id,
          instanceName: uuidOrphan.name,
          instanceStatus: 'running',
          userId: lost,
          action: 'reported',
        },
        {
          instanceId: hashedOrphan.id,
          instanceName: hashedOrphan.name,
          instanceStatus: 'running',
          userId: null,
          action: 'reported',
        },
      ]),
    );
    const text = await runCli(['orphans'], world.env);
    expect(text.stdout).toMatch(/^INSTANCE\s+NAME\s+STATUS\s+USER\s+ACTION$/m);
    expect(text.stdout).toContain(
      '2 orphans. Delete with `aura-provisioner orphans --delete --yes`',
    );
    expect(world.fake.instances).toHaveLength(4);
    expectNoSecrets(run, world.secrets);
  });

  it('--delete without --yes and without a terminal refuses: exit 2, nothing deleted', async () => {
    const run = await runCli(['orphans', '--delete'], world.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aura-provisioner: Refusing without --yes, since there is no terminal to ask: Delete 2 Aura instances that no record owns? This cannot be undone. Add --yes to go ahead.\n',
    );
    expect(world.fake.instances).toHaveLength(4);
  });

  it('--delete on a terminal asks, and a "no" deletes nothing: exit 1', async () => {
    const confirm = vi.fn(async () => false);
    const run = await runCli(['orphans', '--delete'], world.env, { confirm });
    expect(confirm).toHaveBeenCalledWith(
      'Delete 2 Aura instances that no record owns? This cannot be undone. [y/N] ',
    );
    expect(run.code).toBe(1);
    expect(world.fake.instances).toHaveLength(4);
  });

  it('--delete --yes deletes the orphans and nothing else: exit 0', async () => {
    const run = await runCli(['orphans', '--delete', '--yes', '--json'], world.env);
    expect(run.code).toBe(0);
    const { orphans } = run.json<{ orphans: OrphanRow[] }>();
    expect(orphans.map((o) => o.action)).toEqual(['deleted', 'deleted']);
    expect(world.fake.instances.map((i) => i.name).sort()).toEqual(
      ['not-ours', instanceNameForUser(uuids(1, 20)[0] as string, PREFIX)].sort(),
    );
  });

  it('Aura failing: exit 4 with the request in the message', async () => {
    world.fake.faults.failNext(1, { status: 500, match: { method: 'GET', path: '/instances' } });
    const run = await runCli(['orphans', '--json'], world.env);
    expect(run.code).toBe(4);
    expect(run.json()).toMatchObject({ error: { code: 'aura_unavailable', exitCode: 4 } });
    expect(run.json<{ error: { message: string } }>().error.message).toMatch(/GET \/v1\/instances/);
  });

  it('wrong credentials: exit 4, pointing at doctor, without the secret', async () => {
    const run = await runCli(['orphans'], {
      ...world.env,
      AURA_CLIENT_SECRET: 'not-the-secret-42',
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/401.*`aura-provisioner doctor`/);
    expect(run.stderr).not.toContain('not-the-secret-42');
  });
});

describe('aura-provisioner orphans, when there are none, counts what there is', () => {
  // An unowned instance Aura is deleting is no orphan, but it has no record either.
  const world = useCliWorld({ transitionMs: { destroying: 60_000 } });

  it('no instance with the prefix at all', async () => {
    world.fake.addInstance({ name: 'not-ours' });
    const run = await runCli(['orphans', '--json'], world.env);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      orphans: [],
      count: 0,
      instances: { owned: 0, destroying: 0, hosts: 0, foreign: 0 },
    });
    const text = await runCli(['orphans'], world.env);
    expect(text.stdout).toBe('No orphans: no instance is named "ap-...".\n');
  });

  it('several owned', async () => {
    for (const user of uuids(2, 40)) await seedUser(world, user);
    const run = await runCli(['orphans'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No orphans: all 2 instances named "ap-..." have a record.\n');
  });

  it('one without a record being deleted, and a name of the prefix not made by the provisioner', async () => {
    const [gone] = uuids(1, 41) as [string];
    world.fake.addInstance({ name: instanceNameForUser(gone, PREFIX), status: 'destroying' });
    world.fake.addInstance({ name: 'ap-by-hand' });
    const run = await runCli(['orphans', '--json'], world.env);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      count: 0,
      instances: { owned: 2, destroying: 1, hosts: 0, foreign: 1 },
    });
    const text = await runCli(['orphans'], world.env);
    expect(text.stdout).toBe(
      [
        'No orphans: 2 instances named "ap-..." have a record; 1 without one is being deleted (destroying).',
        '1 other instance starting with "ap-" has a name the provisioner does not make: left alone.',
        '',
      ].join('\n'),
    );
  });
});

describe('aura-provisioner deprovision', () => {
  const world = useCliWorld();

  it('a user without a record: exit 3, nothing to delete', async () => {
    const run = await runCli(['deprovision', 'nobody', '--yes', '--json'], world.env);
    expect(run.code).toBe(3);
    expect(run.json()).toEqual({ userId: 'nobody', status: 'not_found' });
  });

  it('refuses without --yes when there is no terminal: exit 2, nothing deleted', async () => {
    const [user] = uuids(1, 30) as [string];
    await seedUser(world, user);
    const run = await runCli(['deprovision', user], world.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aura-provisioner: Refusing without --yes, since there is no terminal to ask: Delete the Aura database of user ${user}? This cannot be undone. Add --yes to go ahead.\n`,
    );
    expect(run.stderr).not.toMatch(/[.?!:][.?!:]/);
    expect(await world.store.get(user)).not.toBeNull();
  });

  it('needs no instance settings: deletes with only Aura, the store and the keys', async () => {
    const [user] = uuids(1, 34) as [string];
    const { instanceId } = await seedUser(world, user);
    const env = Object.fromEntries(
      Object.entries(world.env).filter(([name]) => !name.startsWith('AURA_INSTANCE_')),
    );
    const run = await runCli(['deprovision', user, '--yes', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ userId: user, status: 'deleted' });
    expect(await world.store.get(user)).toBeNull();
    expect(world.fake.instance(instanceId as string)).toBeUndefined();
    // Nothing was created with a stand-in spec.
    expect(world.fake.instances.some((i) => i.name === instanceNameForUser(user, PREFIX))).toBe(
      false,
    );
  });

  it('--yes deletes the instance, then the record: exit 0', async () => {
    const [user] = uuids(1, 31) as [string];
    const { instanceId } = await seedUser(world, user);
    const run = await runCli(['deprovision', user, '--yes'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Deleted the database of user ${user} and its record.\n`);
    expect(await world.store.get(user)).toBeNull();
    expect(world.fake.instance(instanceId as string)).toBeUndefined();
    expectNoSecrets(run, world.secrets);
  });

  it('asks on a terminal, and goes ahead on "yes"', async () => {
    const [user] = uuids(1, 32) as [string];
    await seedUser(world, user);
    const run = await runCli(['deprovision', user, '--json'], world.env, {
      confirm: async () => true,
    });
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ userId: user, status: 'deleted' });
  });

  it('Aura refusing the delete leaves the record deleting: exit 1, with what to run', async () => {
    const [user] = uuids(1, 33) as [string];
    await seedUser(world, user);
    world.fake.faults.failNext(1, { status: 500, match: { method: 'DELETE' } });
    const run = await runCli(['deprovision', user, '--yes'], world.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('reconcile --wait');
    expect((await world.store.get(user))?.status).toBe('deleting');
  });
});
