import { describe, expect, it, vi } from 'vitest';
import { AuraClient } from '../../src/aura/client.js';
import type { OrphanRow } from '../../src/cli/commands/orphans.js';
import { readAllRecords } from '../../src/cli/orphan-scan.js';
import { PostgresCredentialStore } from '../../src/postgres.js';
import { createProvisioner } from '../../src/provisioning/provisioner.js';
import { deploymentTag, instanceNameForUser } from '../../src/records/instance-name.js';
import { newRecord } from '../../src/records/record.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  expectNoSecrets,
  KEY,
  PREFIX,
  runCli,
  SPEC_ENV,
  seedUser,
  useCliWorld,
  uuids,
} from './harness.js';

const SPEC = {
  type: 'professional-db',
  memory: SPEC_ENV.AURA_INSTANCE_MEMORY,
  region: SPEC_ENV.AURA_INSTANCE_REGION,
  cloudProvider: 'gcp',
} as const;

describe('aura-provisioner orphans', () => {
  const world = useCliWorld();
  /** The tests' deployment: new names carry its tag. */
  const env = () => ({ ...world.env, AURA_DEPLOYMENT: 'cli-test' });
  const ours = (user: string) => instanceNameForUser(user, PREFIX, deploymentTag('cli-test'));
  /** Past the 10-minute grace period. */
  const OLD = () => Date.now() - 11 * 60_000;

  it('finds none when every instance with the prefix has a record: exit 0', async () => {
    await seedUser(world, uuids(1, 20)[0] as string);
    world.fake.addInstance({ name: 'not-ours' });
    const run = await runCli(['orphans'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No orphans: the 1 instance named "ap-..." has a record.\n');
  });

  it('lists what no record owns without deleting anything: exit 1, parsable JSON', async () => {
    const [lost, young, foreign, legacy] = uuids(4, 21) as [string, string, string, string];
    const uuidOrphan = world.fake.addInstance({ name: ours(lost), createdAt: OLD() });
    const hashedOrphan = world.fake.addInstance({
      name: ours('user@example.com'),
      createdAt: OLD(),
    });
    world.fake.addInstance({ name: ours(young) });
    world.fake.addInstance({ name: instanceNameForUser(legacy, PREFIX), createdAt: OLD() });
    const run = await runCli(['orphans', '--json'], env());
    expect(run.code).toBe(1);
    const { orphans, count } = run.json<{ orphans: OrphanRow[]; count: number }>();
    expect(count).toBe(4);
    expect(orphans).toEqual(
      expect.arrayContaining([
        {
          instanceId: uuidOrphan.id,
          instanceName: uuidOrphan.name,
          kind: 'orphan',
          instanceStatus: 'running',
          userId: null,
          action: 'reported',
        },
        expect.objectContaining({ instanceId: hashedOrphan.id, kind: 'orphan' }),
        expect.objectContaining({ instanceName: ours(young), kind: 'young' }),
        expect.objectContaining({
          instanceName: instanceNameForUser(legacy, PREFIX),
          kind: 'unproven',
        }),
      ]),
    );
    const text = await runCli(['orphans'], env());
    expect(text.stdout).toMatch(/^INSTANCE\s+NAME\s+KIND\s+STATUS\s+USER\s+ACTION$/m);
    expect(text.stdout).toContain(
      '4 instances no record owns; 2 orphans to delete with `aura-provisioner orphans --delete --yes`.',
    );
    expect(text.stdout).toContain('young: younger than the grace period');
    expect(world.fake.instances).toHaveLength(6);
    expectNoSecrets(run, world.secrets);
    void foreign;
  });

  it('--delete without --yes and without a terminal refuses: exit 2, nothing deleted', async () => {
    const run = await runCli(['orphans', '--delete'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'aura-provisioner: Refusing without --yes, since there is no terminal to ask: Delete 2 Aura instances that no record owns? This cannot be undone. Add --yes to go ahead.\n',
    );
    expect(world.fake.instances).toHaveLength(6);
  });

  it('--delete on a terminal asks, and a "no" deletes nothing: exit 1', async () => {
    const confirm = vi.fn(async () => false);
    const run = await runCli(['orphans', '--delete'], env(), { confirm });
    expect(confirm).toHaveBeenCalledWith(
      'Delete 2 Aura instances that no record owns? This cannot be undone. [y/N] ',
    );
    expect(run.code).toBe(1);
    expect(world.fake.instances).toHaveLength(6);
  });

  it('--delete --yes deletes the proven orphans and nothing else: exit 1 while young or unproven ones remain', async () => {
    const run = await runCli(['orphans', '--delete', '--yes', '--json'], env());
    expect(run.code).toBe(1);
    const { orphans } = run.json<{ orphans: OrphanRow[] }>();
    expect(orphans.map((o) => [o.kind, o.action]).sort()).toEqual([
      ['orphan', 'deleted'],
      ['orphan', 'deleted'],
      ['unproven', 'reported'],
      ['young', 'reported'],
    ]);
    expect(world.fake.instances).toHaveLength(4);
  });

  it('refuses to delete anything while another deployment shares the prefix, and says so', async () => {
    const [other] = uuids(1, 29) as [string];
    const theirs = world.fake.addInstance({
      name: instanceNameForUser(other, PREFIX, deploymentTag('staging')),
      createdAt: OLD(),
    });
    const mine = world.fake.addInstance({ name: ours(other), createdAt: OLD() });
    const run = await runCli(['orphans', '--delete', '--yes'], env());
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain('Another deployment shares the prefix "ap-"');
    expect(world.fake.instance(theirs.id)?.status).toBe('running');
    expect(world.fake.instance(mine.id)?.status).toBe('running');
  });

  it("with another table under the same prefix and no AURA_DEPLOYMENT, sees the first table's users as foreign, never as orphans", async () => {
    const table = `${world.table.split('.')[0]}.other_users`;
    await new PostgresCredentialStore({ client: world.pool, table }).migrate();
    const run = await runCli(['orphans', '--json'], {
      ...world.env,
      AURA_PROVISIONER_TABLE: table,
    });
    const { orphans } = run.json<{ orphans: OrphanRow[] }>();
    expect(orphans.length).toBeGreaterThan(0);
    // Every one of the instances above carries a tag, none this table's: foreign, or unproven.
    expect(orphans.filter((o) => o.kind === 'orphan')).toEqual([]);
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
      instances: { owned: 0, destroying: 0, hosts: 0, other: 0 },
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
      instances: { owned: 2, destroying: 1, hosts: 0, other: 1 },
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

describe('aura-provisioner orphans --delete while the application signs users up', () => {
  const world = useCliWorld();

  it('deletes nothing a record owns: 25 signups a second, three runs of orphans --delete --yes', async () => {
    const provisioner = createProvisioner({
      aura: new AuraClient({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tenantId: 'tenant-1',
        baseUrl: world.env.AURA_BASE_URL,
        rateLimit: false,
      }),
      store: world.store,
      cipher: createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' }),
      instance: { ...SPEC, tenantId: 'tenant-1' },
      reconcileIntervalMs: 0,
    });
    // 1,000 users already there (the orphan scan reads them page by page), then one signup every
    // 40 ms while orphans --delete --yes runs three times.
    for (const batch of Array.from({ length: 10 }, (_, i) => uuids(100, 100 + i))) {
      await Promise.all(batch.map((u) => world.store.claim(newRecord(u, `ap-x${u.slice(0, 8)}`))));
    }
    const users = uuids(75, 50);
    const signingUp = (async () => {
      for (const user of users) {
        await provisioner.claimUser(user);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await runCli(['orphans', '--delete', '--yes', '--json'], world.env));
    }
    await signingUp;
    await provisioner.close();
    const deleted = runs.flatMap((run) =>
      run.json<{ orphans: OrphanRow[] }>().orphans.filter((o) => o.action === 'deleted'),
    );
    expect(deleted).toEqual([]);
    const live = new Set(
      world.fake.instances.filter((i) => i.status !== 'destroying').map((i) => i.id),
    );
    const { records } = await readAllRecords(world.store);
    const held = records.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
    expect(held.length).toBeGreaterThan(0);
    expect(held.filter((id) => !live.has(id))).toEqual([]);
  }, 30_000);
});
