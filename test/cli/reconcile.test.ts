import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_DEFAULTS } from '../../src/cli/commands/dev.js';
import type { DryRunReport } from '../../src/cli/commands/reconcile-dry-run.js';
import type { WaitOutcome } from '../../src/cli/wait-settled.js';
import { instanceNameForUser } from '../../src/records/instance-name.js';
import { expectNoSecrets, PREFIX, runCli, seedUser, useCliWorld, uuids } from './harness.js';

const changesAtAura = (world: ReturnType<typeof useCliWorld>) =>
  world.fake.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token');

describe('reconcile --dry-run and reconcile without --wait', () => {
  const world = useCliWorld();
  const [pending, failed, deleting, ready, orphanUser, goneUser] = uuids(6, 3) as string[] as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let orphanId: string;
  let failedInstance: string;

  beforeAll(async () => {
    await seedUser(world, pending, { status: 'pending', nextCheckAt: Date.now() - 1000 });
    failedInstance = world.fake.addInstance({
      name: instanceNameForUser(failed, PREFIX),
      status: 'loading failed',
    }).id;
    await seedUser(world, failed, {
      status: 'failed',
      instanceId: failedInstance,
      lastError: 'loading-failed',
      nextCheckAt: Date.now() - 1000,
    });
    await seedUser(world, deleting, { status: 'deleting', nextCheckAt: Date.now() });
    await seedUser(world, ready);
    // Older than the grace period, so an orphan; this describe declares the prefix its own
    // (AURA_DEPLOYMENT=false: untagged names, whose UUID users can be read back and adopted).
    orphanId = world.fake.addInstance({
      name: instanceNameForUser(orphanUser, PREFIX),
      createdAt: Date.now() - 11 * 60_000,
    }).id;
    world.fake.addInstance({ name: instanceNameForUser(goneUser, PREFIX), status: 'destroying' });
    world.fake.addInstance({ name: 'someone-elses-db' });
    world.env.AURA_DEPLOYMENT = 'false';
  });

  it('--dry-run reports what reconcile would do, and changes nothing', async () => {
    const before = await world.store.list();
    const run = await runCli(['reconcile', '--dry-run', '--json'], world.env);
    expect(run.code).toBe(1); // an orphan would be reported
    const report = run.json<DryRunReport>();
    expect(report).toMatchObject({ dryRun: true, resumed: 2, retried: 1 });
    expect(report.resume.map((r) => r.userId).sort()).toEqual([pending, deleting].sort());
    expect(report.retry).toEqual([{ userId: failed, lastError: 'loading-failed' }]);
    expect(report.orphans).toEqual([
      {
        instanceId: orphanId,
        instanceName: instanceNameForUser(orphanUser, PREFIX),
        kind: 'orphan',
        instanceStatus: 'running',
        userId: orphanUser,
        action: 'reported',
      },
    ]);
    expect(report.lost).toEqual([]);
    expect(await world.store.list()).toEqual(before);
    expect(changesAtAura(world)).toEqual([]);
    expectNoSecrets(run, world.secrets);
  });

  it('--dry-run --orphans adopt says the orphan would be adopted (exit 0), as text', async () => {
    const run = await runCli(['reconcile', '--dry-run', '--orphans', 'adopt'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(run.stdout).toMatch(/resume 2 waiting records: .*\(pending\)/);
    expect(run.stdout).toContain(`retry 1 failed record: ${failed} (loading-failed)`);
    expect(run.stdout).toMatch(
      new RegExp(`${orphanId}\\s+\\S+\\s+orphan\\s+${orphanUser}\\s+adopted`),
    );
    expect(changesAtAura(world)).toEqual([]);
  });

  it('without --wait: retries the failed record, reports the orphan, creates nothing', async () => {
    const run = await runCli(['reconcile', '--json'], world.env);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ dryRun: false, resumed: 2, retried: 1 });
    expect(run.json<{ orphans: unknown[] }>().orphans).toEqual([
      expect.objectContaining({ instanceId: orphanId, action: 'reported' }),
    ]);
    expect((await world.store.get(failed))?.status).toBe('pending');
    expect(changesAtAura(world).map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /v1/instances/${failedInstance}`,
    ]);
    expect((await world.store.get(pending))?.status).toBe('pending');
    expectNoSecrets(run, world.secrets);
  });

  it('rejects bad flags with exit 2', async () => {
    const del = await runCli(['reconcile', '--orphans', 'delete'], world.env);
    expect(del.code).toBe(2);
    expect(del.stderr).toContain('orphans --delete');
    expect((await runCli(['reconcile', '--wait', 'soon'], world.env)).code).toBe(2);
    expect((await runCli(['reconcile', '--dry-run', '--wait', '5'], world.env)).code).toBe(2);
    expect((await runCli(['reconcile', 'now'], world.env)).code).toBe(2);
    expect((await runCli(['reconcile', '--force'], world.env)).code).toBe(2);
  });
});

describe('reconcile --wait', () => {
  const world = useCliWorld();

  it('piped: one plain line per settled record, then a summary; a failed record exits 1', async () => {
    const [rejected, removed] = uuids(2, 5) as [string, string];
    await seedUser(world, rejected, { status: 'pending', nextCheckAt: Date.now() });
    await seedUser(world, removed, { status: 'deleting', nextCheckAt: Date.now() });
    // A spec the tenant does not offer: Aura answers 400, and the record fails for good.
    const env = { ...world.env, AURA_INSTANCE_MEMORY: '16GB' };
    const run = await runCli(['reconcile', '--wait', '10'], env, { tty: false });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'Reconciled: resumed 2 waiting records, retried 0 failed records, found 0 instances no record owns, 0 lost.',
    );
    expect(lines[1]).toBe('Waiting up to 10s for 2 records...');
    expect(lines.slice(2, 4).sort()).toEqual(
      [`deleted ${removed}`, `failed  ${rejected}: invalid-request`].sort(),
    );
    expect(lines[4]).toMatch(/^After \d+s: 0 ready, 1 failed, 1 deleted, 0 still on their way\.$/);
    expect(run.stdout).not.toContain('\r');
    expect(await world.store.get(removed)).toBeNull();
    expectNoSecrets(run, world.secrets);
  });

  it('--json: the outcome of every record, and timedOut when time runs out (exit 1)', async () => {
    const [slow] = uuids(1, 6) as [string];
    await seedUser(world, slow, { status: 'pending', nextCheckAt: Date.now() });
    const run = await runCli(['reconcile', '--wait', '0.5', '--json'], world.env);
    expect(run.code).toBe(1);
    const { wait } = run.json<{ wait: WaitOutcome }>();
    expect(wait).toMatchObject({ ready: [], failed: [], deleted: [], timedOut: true });
    expect(wait.unsettled).toEqual([{ userId: slow, status: 'creating' }]);
    // The create went through and its password was stored encrypted, never printed.
    const record = await world.store.get(slow);
    expect(record?.encryptedPassword).toMatch(/^v1:k1:/);
    expectNoSecrets(run, [...world.secrets, record?.encryptedPassword as string]);
    const created = world.fake.instances.find((i) => i.name === instanceNameForUser(slow, PREFIX));
    expectNoSecrets(run, [created?.password as string]);
  });

  it('on a terminal: a progress bar redrawn in place', async () => {
    const [removed] = uuids(1, 8) as [string];
    await seedUser(world, removed, { status: 'deleting', nextCheckAt: Date.now() });
    // The record the previous test left creating would keep the wait going: call it ready.
    const stale = (await world.store.list({ statuses: ['creating'] })).records;
    for (const r of stale) await world.store.update(r.userId, r.version, { status: 'ready' });
    const run = await runCli(['reconcile', '--wait', '5'], world.env, { tty: true, columns: 100 });
    expect(run.code).toBe(0);
    const lastFrame = run.stdout.split('\r').at(-1) as string;
    expect(lastFrame).toMatch(/^\[#+\] 1\/1 {2}ready 0 {2}failed 0 {2}deleted 1 {2}\d+s/);
    expect(lastFrame).toContain('\u001b[K\n');
  });
});

describe('reconcile --wait against the fake as `dev` runs it (instances run after 5 s)', () => {
  const world = useCliWorld({
    creationTimeMs: DEV_DEFAULTS.creationMs,
    notFoundAfterCreateMs: DEV_DEFAULTS.notFoundAfterCreateMs,
  });

  it('with AURA_EXPECTED_CREATION_MS as `dev` exports it, the record is ready in seconds', async () => {
    const [user] = uuids(1, 9) as [string];
    await seedUser(world, user, { status: 'pending', nextCheckAt: Date.now() });
    const env = { ...world.env, AURA_EXPECTED_CREATION_MS: String(DEV_DEFAULTS.creationMs) };
    const run = await runCli(['reconcile', '--wait', '20', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { wait } = run.json<{ wait: WaitOutcome }>();
    expect(wait).toMatchObject({ ready: [user], failed: [], unsettled: [], timedOut: false });
    // One status read, at 10 s (the poll policy's minimum interval): not at Aura's typical 90 s.
    const reads = world.fake.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith('/v1/instances/'),
    );
    expect(reads.map((r) => r.status)).toEqual([200]);
    expect((await world.store.get(user))?.status).toBe('ready');
  }, 30_000);

  it('a value that is not a whole number of ms: exit 2 naming the setting, nothing done', async () => {
    const [user] = uuids(1, 10) as [string];
    await seedUser(world, user, { status: 'pending', nextCheckAt: Date.now() });
    const bad = await runCli(['reconcile', '--wait', '5'], {
      ...world.env,
      AURA_EXPECTED_CREATION_MS: '5s',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'AURA_EXPECTED_CREATION_MS "5s" is not a whole number of milliseconds from 0 to 1800000 (the creation deadline)',
    );
    const flag = await runCli(['reconcile', '--expected-creation-ms=-5'], world.env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--expected-creation-ms "-5" is not a whole number');
    expect((await world.store.get(user))?.status).toBe('pending');
  });
});
