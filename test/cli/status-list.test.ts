import { beforeAll, describe, expect, it } from 'vitest';
import type { UserDatabaseStatus } from '../../src/records/status.js';
import { expectNoSecrets, runCli, seedUser, useCliWorld, uuids } from './harness.js';

const world = useCliWorld();
const [ready, failed, pending, creating] = uuids(4, 7) as [string, string, string, string];

beforeAll(async () => {
  await seedUser(world, ready);
  await seedUser(world, failed, { status: 'failed', lastError: 'missing-billing-details' });
  await seedUser(world, pending, { status: 'pending', nextCheckAt: Date.now() + 60_000 });
  await seedUser(world, creating, { status: 'creating' });
});

describe('aura-provisioner status and list', () => {
  it('status of a ready user: exit 0, the status without password or ciphertext', async () => {
    const run = await runCli(['status', ready, '--json'], world.env);
    expect(run.code).toBe(0);
    const status = run.json<UserDatabaseStatus>();
    expect(status).toMatchObject({ userId: ready, status: 'ready', attempts: 0 });
    expect(Object.keys(status)).not.toContain('encryptedPassword');
    expectNoSecrets(run, world.secrets);
    const text = await runCli(['status', ready], world.env);
    expect(text.stdout).toMatch(/^status {6}ready$/m);
    expectNoSecrets(text, world.secrets);
  });

  it('status of a failed user: exit 1, with the reason and whether it is retried', async () => {
    const run = await runCli(['status', failed], world.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^last error {2}missing-billing-details$/m);
    expect(run.stdout).toMatch(/^retryable {3}no$/m);
  });

  it('status of an unknown user: exit 3, and status not_found in JSON', async () => {
    const run = await runCli(['status', 'nobody', '--json'], world.env);
    expect(run.code).toBe(3);
    expect(run.json()).toMatchObject({ userId: 'nobody', status: 'not_found' });
    const text = await runCli(['status', 'nobody'], world.env);
    expect(text.code).toBe(3);
    expect(text.stdout).toBe('No database record for user nobody.\n');
  });

  it('status needs exactly one valid user id: exit 2', async () => {
    expect((await runCli(['status'], world.env)).code).toBe(2);
    expect((await runCli(['status', 'a', 'b'], world.env)).code).toBe(2);
    const blank = await runCli(['status', ' padded '], world.env);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toMatch(/white space/);
  });

  it('status needs only the store settings', async () => {
    const run = await runCli(['status', ready], {
      DATABASE_URL: world.env.DATABASE_URL,
      AURA_PROVISIONER_TABLE: world.table,
    });
    expect(run.code).toBe(0);
  });

  it('list shows every record as a table', async () => {
    const run = await runCli(['list'], world.env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USER\s+STATUS\s+INSTANCE\s+ATTEMPTS\s+LAST ERROR$/);
    expect(lines.at(-1)).toBe('4 records.');
    expect(run.stdout).toContain('missing-billing-details');
    expectNoSecrets(run, world.secrets);
  });

  it('list --status filters (repeated or comma-separated); --json is parsable', async () => {
    const run = await runCli(
      ['list', '--status', 'ready', '--status', 'failed', '--json'],
      world.env,
    );
    expect(run.code).toBe(0);
    const { records, count } = run.json<{ records: UserDatabaseStatus[]; count: number }>();
    expect(count).toBe(2);
    expect(records.map((r) => r.userId).sort()).toEqual([ready, failed].sort());
    const comma = await runCli(['list', '--status', 'pending,creating', '--json'], world.env);
    expect(comma.json<{ count: number }>().count).toBe(2);
    expectNoSecrets(run, world.secrets);
  });

  it('list --limit caps the records', async () => {
    const run = await runCli(['list', '--limit', '3', '--json'], world.env);
    expect(run.json<{ count: number }>().count).toBe(3);
  });

  it('list rejects an unknown status and a bad limit: exit 2, JSON error with --json', async () => {
    const run = await runCli(['list', '--status', 'done', '--json'], world.env);
    expect(run.code).toBe(2);
    expect(run.json()).toEqual({
      error: {
        code: 'usage',
        exitCode: 2,
        message:
          '--status "done" is not a status: use pending, creating, ready, failed, deleting, paused, resuming',
      },
    });
    expect((await runCli(['list', '--limit', '0'], world.env)).code).toBe(2);
  });

  it('a store it cannot reach: exit 4, without the password', async () => {
    const run = await runCli(['list', '--json'], {
      ...world.env,
      DATABASE_URL: 'postgres://someone:unreachable-pw-91@127.0.0.1:1/none',
    });
    expect(run.code).toBe(4);
    expect(run.json()).toMatchObject({ error: { code: 'store_unavailable', exitCode: 4 } });
    expect(run.stdout).not.toContain('unreachable-pw-91');
  });
});

describe('aura-provisioner status --watch', () => {
  it('prints each change of status and stops once the user is ready: exit 0', async () => {
    const [user] = uuids(1, 70) as [string];
    await seedUser(world, user, { status: 'pending', nextCheckAt: Date.now() });
    const watching = runCli(['status', user, '--watch'], world.env);
    const step = async (patch: Parameters<typeof world.store.update>[2]) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const record = await world.store.get(user);
      await world.store.update(user, record?.version ?? 0, patch);
    };
    await step({ status: 'creating', nextCheckAt: Date.now() });
    await step({ status: 'ready', readyAt: Date.now(), nextCheckAt: null });
    const run = await watching;
    expect(run.code).toBe(0);
    const changes = run.stderr
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter(Boolean);
    expect(changes).toEqual(['pending', 'creating', 'ready']);
    expect(run.stdout).toMatch(/^status\s+ready$/m);
  }, 20_000);

  it('cost estimates the bill from the records, as a table or JSON', async () => {
    const run = await runCli(['cost', '--price', '73.05', '--json'], world.env);
    expect(run.code).toBe(0);
    const estimate = run.json<{
      users: { userId: string }[];
      cost: number;
      alwaysOnCost: number;
    }>();
    // The ready and creating users hold an instance; nobody is paused, so it is all running.
    expect(estimate.users.map((u) => u.userId).sort()).toEqual([creating, ready].sort());
    expect(estimate.cost).toBeCloseTo(estimate.alwaysOnCost, 6);
    const text = await runCli(['cost'], world.env);
    expect(text.stdout).toMatch(/^2 instances: \$/m);
    expectNoSecrets(text, world.secrets);
    expect((await runCli(['cost', '--days', 'many'], world.env)).code).toBe(2);
  });
});
