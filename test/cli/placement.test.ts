import { beforeAll, describe, expect, it } from 'vitest';
import { AuraClient } from '../../src/aura/client.js';
import { AuraV2 } from '../../src/aura/resources/v2/aura-v2.js';
import { createProvisioner } from '../../src/provisioning/provisioner.js';
import { newHostRecord } from '../../src/records/host-record.js';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { PLACEMENT } from '../provisioning/placement.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  expectNoSecrets,
  KEY,
  PREFIX,
  runCli,
  useCliWorld,
  uuids,
} from './harness.js';

// Fast hosts and databases, so a library provisioner places users in a second or two.
const world = useCliWorld({ creationTimeMs: 100, databaseCreationTimeMs: 100 });
const [kept, lost, removed, stranded] = uuids(4, 80) as [string, string, string, string];

/** The CLI's settings for hosts of 2 GB in the fake's organization, with no warm slots. */
const hostedEnv = (extra: Record<string, string | undefined> = {}) => ({
  ...world.env,
  AURA_PLACEMENT: 'database-per-user',
  AURA_ORGANIZATION_ID: 'org-1',
  AURA_INSTANCE_TYPE: 'business-critical',
  AURA_INSTANCE_MEMORY: '2GB',
  AURA_WARM_SLOTS: '0',
  ...extra,
});

/** Instance creates (v1 or v2beta1) the fake has seen. */
const instanceCreates = () =>
  world.fake.requests.filter((r) => r.method === 'POST' && /\/instances$/.test(r.path)).length;

const hostOf = async () => {
  const [host] = await world.store.listHosts();
  if (!host?.instanceId) throw new Error('no ready host');
  return { ...host, instanceId: host.instanceId };
};

const instanceNameOf = (userId: string) => instanceNameForUser(userId, PREFIX);

const databaseNames = async () =>
  world.fake.databases((await hostOf()).instanceId).map((db) => db.name);

beforeAll(async () => {
  const provisioner = createProvisioner({
    aura: new AuraClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tenantId: 'tenant-1',
      baseUrl: world.env.AURA_BASE_URL,
    }),
    store: world.store,
    cipher: createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' }),
    placement: {
      ...PLACEMENT,
      warmSlots: 0,
      expectedDatabaseCreationMs: 100,
    },
    poll: { expectedCreationMs: 100, minIntervalMs: 50 },
    reconcileIntervalMs: 0,
  });
  for (const user of [kept, lost, removed, stranded]) {
    await provisioner.provisionUserDatabase(user);
    const ready = await provisioner.waitUntilReady(user, { timeoutMs: 20_000 });
    expect(ready.status).toBe('ready');
  }
  await provisioner.close();
}, 60_000);

describe('the CLI with the database-per-user placement', () => {
  it('status shows the host and the database of a hosted user', async () => {
    const host = await hostOf();
    const record = await world.store.get(kept);
    const run = await runCli(['status', kept], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^host {8}ap-host-0001 \\(${host.instanceId}\\)$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^database {4}${record?.databaseName}$`, 'm'));
    expect(run.stdout).not.toMatch(/^instance/m);
    const json = (await runCli(['status', kept, '--json'], world.env)).json();
    expect(json).toMatchObject({
      hostName: 'ap-host-0001',
      instanceId: host.instanceId,
      databaseName: record?.databaseName,
    });
    expectNoSecrets(run, world.secrets);
  });

  it('list adds the host and database columns when a user is hosted', async () => {
    const run = await runCli(['list'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^USER\s+STATUS\s+INSTANCE\s+HOST\s+DATABASE\s+ATTEMPTS\s+LAST ERROR$/m,
    );
    const record = await world.store.get(kept);
    expect(run.stdout).toMatch(
      new RegExp(`^${kept}\\s+ready\\s+\\S+\\s+ap-host-0001\\s+${record?.databaseName}\\s`, 'm'),
    );
  });

  it('reconcile counts the host from its listing and reports a database no record owns: exit 1', async () => {
    const record = await world.store.get(lost);
    if (!record) throw new Error('no record');
    // The record is lost, its database stays: a database no record owns on our host.
    await world.store.delete(lost, record.version);
    const before = instanceCreates();

    // --dry-run says the same and changes nothing: the stored count stays 5.
    const dry = await runCli(['reconcile', '--dry-run', '--json'], hostedEnv());
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(1);
    expect(dry.json<{ orphanDatabases: unknown[]; hosts: unknown[] }>()).toMatchObject({
      orphanDatabases: [
        {
          hostName: 'ap-host-0001',
          databaseName: record.databaseName,
          // Aura gives a database no age, and a one-shot command has not seen it before.
          kind: 'young',
          userId: lost,
          action: 'reported',
        },
      ],
      // The database still takes its slot: neo4j, three users and it.
      hosts: [{ hostName: 'ap-host-0001', capacity: 10, used: 5, free: 5, users: 3, counted: 5 }],
    });
    const dryText = await runCli(['reconcile', '--dry-run'], hostedEnv());
    expect(dryText.stdout).toContain('find 1 database on our hosts no record owns');
    expect(dryText.stdout).toContain('count the slots of 1 host again (0 would change)');
    expect((await hostOf()).used).toBe(5);
    expect(await world.store.get(lost)).toBeNull();

    const run = await runCli(['reconcile', '--json'], hostedEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = run.json<{
      hosts: { hostName: string; used: number; users: number }[];
      orphanDatabases: { databaseName: string; userId: string | null; action: string }[];
    }>();
    expect(report.orphanDatabases).toEqual([
      expect.objectContaining({
        hostName: 'ap-host-0001',
        databaseName: record.databaseName,
        kind: 'young',
        userId: lost,
        action: 'reported',
      }),
    ]);
    expect(report.hosts).toEqual([
      expect.objectContaining({ hostName: 'ap-host-0001', used: 5, users: 3 }),
    ]);
    expect(instanceCreates()).toBe(before);
    expectNoSecrets(run, world.secrets);

    const text = await runCli(['reconcile'], hostedEnv());
    expect(text.stdout).toContain('found 0 instances no record owns, 1 orphan database, 0 lost.');
    expect(text.stdout).toMatch(
      new RegExp(
        `^ {2}ap-host-0001\\s+${record.databaseName}\\s+young\\s+${lost}\\s+reported$`,
        'm',
      ),
    );
    expect(text.stdout).toMatch(/^ {2}HOST\s+STATUS\s+INSTANCE\s+CAPACITY\s+USED\s+FREE\s+USERS$/m);
    expect(text.stdout).toMatch(/^ {2}ap-host-0001\s+ready\s+\S+\s+10\s+5\s+5\s+3$/m);
  });

  it('orphans lists the database no record owns, and --delete leaves it while its age is unproven', async () => {
    const name = instanceNameOf(lost);
    const run = await runCli(['orphans', '--json'], hostedEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const json = run.json<{ orphans: unknown[]; orphanDatabases: Record<string, unknown>[] }>();
    expect(json.orphans).toEqual([]);
    expect(json.orphanDatabases).toEqual([
      expect.objectContaining({
        hostName: 'ap-host-0001',
        databaseName: name,
        kind: 'young',
        userId: lost,
        action: 'reported',
      }),
    ]);
    const text = await runCli(['orphans'], hostedEnv());
    expect(text.stdout).toMatch(
      new RegExp(`^ap-host-0001\\s+${name}\\s+young\\s+${lost}\\s+reported$`, 'm'),
    );
    expect(text.stdout).toContain('1 database on our hosts that no record owns.');
    // Without the placement, the hosts are not looked at.
    const plain = await runCli(['orphans', '--json'], world.env);
    expect(plain.json()).not.toHaveProperty('orphanDatabases');

    const kept = await runCli(['orphans', '--delete', '--yes', '--json'], hostedEnv());
    expect(kept.code).toBe(1);
    expect(kept.json<typeof json>().orphanDatabases).toEqual([
      expect.objectContaining({ databaseName: name, kind: 'young', action: 'reported' }),
    ]);
    expect(await databaseNames()).toContain(name);
    // Deleted by hand (as the application's reconcile does once it has seen it unowned long enough).
    const hostId = (await hostOf()).instanceId as string;
    const database = world.fake.databases(hostId).find((db) => db.name === name);
    const aura = new AuraClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      baseUrl: world.env.AURA_BASE_URL,
    });
    await new AuraV2(aura)
      .project('org-1', 'tenant-1')
      .databases.delete(hostId, database?.id as string);
    const after = await runCli(['orphans'], hostedEnv());
    expect(after.stdout).toContain('No orphan databases on the ready hosts.');
    // The host is named as a host, not as a name the provisioner does not make.
    expect(after.stdout).toContain(
      '1 host of the database-per-user placement ("ap-host-..."): see `aura-provisioner hosts`.',
    );
    expect(after.stdout).not.toContain('does not make');
  });

  it('orphans and reconcile --dry-run report a database on our host whatever its name (Aura may name it)', async () => {
    const hostId = (await hostOf()).instanceId;
    const project = new AuraV2(
      new AuraClient({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        baseUrl: world.env.AURA_BASE_URL,
      }),
    ).project('org-1', 'tenant-1');
    const made = await project.databases.create(hostId, 'a1b2c3d4');
    const found = expect.objectContaining({
      hostName: 'ap-host-0001',
      databaseName: 'a1b2c3d4',
      kind: 'young',
      action: 'reported',
    });
    const orphans = await runCli(['orphans', '--json'], hostedEnv());
    expect(orphans.code).toBe(1);
    expect(orphans.json<{ orphanDatabases: unknown[] }>().orphanDatabases).toEqual([found]);
    const dry = await runCli(['reconcile', '--dry-run', '--json'], hostedEnv());
    expect(dry.code).toBe(1);
    expect(dry.json<{ orphanDatabases: unknown[] }>().orphanDatabases).toEqual([found]);
    await project.databases.delete(hostId, made.id);
  });

  it('deprovision of a hosted user without AURA_ORGANIZATION_ID: exit 2, nothing deleted', async () => {
    const run = await runCli(['deprovision', stranded, '--yes'], world.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'AURA_ORGANIZATION_ID (or organizationId in --config, or --organization-id) is not set',
    );
    expect(run.stderr).toContain('is on a shared host (database-per-user)');
    expect(await world.store.get(stranded)).not.toBeNull();
    const record = await world.store.get(stranded);
    expect(await databaseNames()).toContain(record?.databaseName);
  });

  it('deprovision of a hosted user Aura cannot delete now: exit 1, reconcile with the placement finishes', async () => {
    const record = await world.store.get(stranded);
    const env = { ...world.env, AURA_ORGANIZATION_ID: 'org-1' };
    world.fake.faults.failNext(1, {
      status: 400,
      match: { method: 'DELETE', path: /^\/v2beta1\/.*\/databases\/[^/]+$/ },
    });
    const run = await runCli(['deprovision', stranded, '--yes'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'Run `AURA_PLACEMENT=database-per-user aura-provisioner reconcile --wait 300`',
    );
    expect((await world.store.get(stranded))?.status).toBe('deleting');
    expect(await databaseNames()).toContain(record?.databaseName);
    // Deprovisioning again finishes the delete.
    expect((await runCli(['deprovision', stranded, '--yes'], env)).code).toBe(0);
    expect(await databaseNames()).not.toContain(record?.databaseName);
  });

  it('deprovision deletes the hosted database, frees its slot and opens no host', async () => {
    const record = await world.store.get(removed);
    if (!record?.databaseName) throw new Error('no hosted record');
    const usedBefore = (await hostOf()).used;
    // A host claimed and due: any host upkeep in the CLI's provisioner would open it.
    await world.store.claimHost(newHostRecord('ap-host-0002', 10, { nextCheckAt: Date.now() }));
    const before = instanceCreates();
    // The instance-per-user settings, plus the organization: the record says it is hosted.
    const run = await runCli(['deprovision', removed, '--yes', '--json'], {
      ...world.env,
      AURA_ORGANIZATION_ID: 'org-1',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ userId: removed, status: 'deleted' });
    expect(await world.store.get(removed)).toBeNull();
    expect(await databaseNames()).not.toContain(record.databaseName);
    expect((await hostOf()).used).toBe(usedBefore - 1);
    expect(instanceCreates()).toBe(before);
    expect(await world.store.getHost('ap-host-0002')).toMatchObject({
      status: 'pending',
      instanceId: null,
    });
    const pending = await world.store.getHost('ap-host-0002');
    await world.store.deleteHost('ap-host-0002', pending?.version);
    expectNoSecrets(run, world.secrets);
  });
});

describe('placement settings', () => {
  it('an unknown AURA_PLACEMENT: exit 2, naming the values', async () => {
    const run = await runCli(['reconcile'], { ...world.env, AURA_PLACEMENT: 'shared' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'AURA_PLACEMENT "shared" is not a placement (instance-per-user, database-per-user)',
    );
  });

  it('database-per-user without AURA_ORGANIZATION_ID: exit 2, naming it', async () => {
    const run = await runCli(['reconcile'], hostedEnv({ AURA_ORGANIZATION_ID: undefined }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'AURA_ORGANIZATION_ID (or organizationId in --config, or --organization-id) is not set',
    );
  });

  it('database-per-user needs a host type and a capacity the memory allows: exit 2', async () => {
    const run = await runCli(
      ['reconcile'],
      hostedEnv({ AURA_INSTANCE_TYPE: 'professional-db', AURA_MAX_DATABASES_PER_HOST: '50' }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'AURA_INSTANCE_TYPE "professional-db" is not a host type (business-critical, enterprise-db): AURA_PLACEMENT is database-per-user',
    );
    expect(run.stderr).toContain(
      'AURA_MAX_DATABASES_PER_HOST 50 is more than Aura allows on a 2GB host (10)',
    );
    const slots = await runCli(['reconcile'], hostedEnv({ AURA_WARM_SLOTS: '-1' }));
    expect(slots.code).toBe(2);
    expect(slots.stderr).toContain('AURA_WARM_SLOTS "-1" is not a whole number (0 or more)');
    const hosts = await runCli(['reconcile'], hostedEnv({ AURA_MAX_HOSTS: '0' }));
    expect(hosts.code).toBe(2);
    expect(hosts.stderr).toContain('AURA_MAX_HOSTS "0" is not a whole number (1 or more)');
  });

  it('instance-per-user needs the instance type; database-per-user does not', async () => {
    const run = await runCli(['reconcile'], { ...world.env, AURA_INSTANCE_TYPE: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AURA_INSTANCE_TYPE (or instanceType in --config');
    const hosted = await runCli(
      ['reconcile', '--json'],
      hostedEnv({ AURA_INSTANCE_TYPE: undefined }),
    );
    expect(hosted.stderr).toBe('');
    expect(hosted.json()).toHaveProperty('hosts');
  });

  it('doctor and help name the placement settings', async () => {
    const doctor = await runCli(['doctor', '--json'], hostedEnv({ AURA_ORGANIZATION_ID: '' }));
    const checks = doctor.json<{ checks: { id: string; status: string; detail: string }[] }>()
      .checks;
    expect(checks.find((c) => c.id === 'config')).toMatchObject({ status: 'fail' });
    expect(checks.find((c) => c.id === 'config')?.detail).toContain(
      'AURA_ORGANIZATION_ID (or organizationId in --config, or --organization-id) is not set',
    );
    const help = await runCli(['--help'], {});
    for (const env of [
      'AURA_PLACEMENT',
      'AURA_ORGANIZATION_ID',
      'AURA_MAX_DATABASES_PER_HOST',
      'AURA_WARM_SLOTS',
      'AURA_MAX_HOSTS',
    ]) {
      expect(help.stdout).toContain(env);
    }
  });
});
