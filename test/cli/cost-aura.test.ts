import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/testing/index.js';
import { expectNoSecrets, runCli, seedUser, useCliWorld, uuids } from './harness.js';

// The fake's clock starts at the real now, so its meter and the records' times line up.
const clock = createTestClock({ start: Date.now() });
const world = useCliWorld({ clock });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const usageCalls = () =>
  world.fake.requests.filter((r) => r.path.endsWith('/billing/usage')).length;

interface AuraPart {
  period: { start: string; end: string };
  cached: boolean;
  tolerance: number;
  users: {
    userId: string;
    instanceId: string;
    gap: number;
    differs: boolean;
    auraGbHours: number;
  }[];
  unmatched: { instanceId: string }[];
}

describe('cost --aura: Aura’s billing usage beside the estimate', () => {
  let dir: string;
  let agreeing: string;
  let differing: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cost-aura-'));
    [agreeing, differing] = uuids(2, 70) as [string, string];
    const now = Date.now();
    // Both instances run 10 days at the fake; the second record says 20 (a reading apart).
    await seedUser(world, agreeing, { createRequestedAt: now - 10 * DAY });
    await seedUser(world, differing, { createRequestedAt: now - 20 * DAY });
    world.fake.addInstance({ name: 'not-a-user', tenantId: 'tenant-1' });
    await clock.advance(10 * DAY);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const env = (cacheDir: string) => ({ ...world.env, AURA_PROVISIONER_CACHE_DIR: cacheDir });

  it('joins Aura’s rows by instance id, marks the users apart by more than the tolerance, and asks Aura once per period', async () => {
    const run = await runCli(['cost', '--aura', '--json'], env(dir));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { aura } = run.json<{ aura: AuraPart }>();
    expect(aura.cached).toBe(false);
    expect(aura.tolerance).toBe(0.2);
    expect(aura.period.end).toBe(new Date().toISOString().slice(0, 10));
    const byUser = new Map(aura.users.map((u) => [u.userId, u]));
    expect(byUser.get(agreeing)?.auraGbHours).toBeCloseTo(240, 0);
    expect(byUser.get(agreeing)?.gap).toBeLessThan(0.01);
    expect(byUser.get(agreeing)?.differs).toBe(false);
    expect(byUser.get(differing)?.gap).toBeCloseTo(0.5, 2);
    expect(byUser.get(differing)?.differs).toBe(true);
    expect(aura.unmatched).toHaveLength(1);
    expect(usageCalls()).toBe(1);

    const text = await runCli(['cost', '--aura', '--tolerance', '0.6'], env(dir));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/AURA GB-H\s+AURA COST\s+GAP/);
    expect(text.stdout).toMatch(
      /cached\): 0 of 2 users differ from the estimate by more than 60%; 1 instances at Aura match no user/,
    );
    expect(usageCalls()).toBe(1);
    expectNoSecrets(text, world.secrets);

    const [file = ''] = await readdir(dir).then((names) =>
      names.filter((n) => n.startsWith('billing-usage-')),
    );
    expect(((await stat(join(dir, file))).mode & 0o777).toString(8)).toBe('600');
    for (const secret of world.secrets)
      expect(await readFile(join(dir, file), 'utf8')).not.toContain(secret);
  });

  it('reports a 429 clearly, does not retry it, and does not ask again for hours', async () => {
    const cacheDir = join(dir, 'refused');
    world.fake.faults.failNext(1, { status: 429, match: { path: /\/billing\/usage$/ } });
    const before = usageCalls();
    const run = await runCli(['cost', '--aura'], env(cacheDir));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/Aura refused the billing usage \(429/);
    expect(run.stdout).toMatch(/^2 instances: \$/m);
    expect(usageCalls()).toBe(before + 1);
    const again = await runCli(['cost', '--aura', '--json'], env(cacheDir));
    expect(again.code).toBe(4);
    expect(again.json<{ aura: { cached: boolean } }>().aura.cached).toBe(true);
    expect(usageCalls()).toBe(before + 1);
  });

  it('refuses --tolerance without --aura, and --aura without the Aura settings (exit 2)', async () => {
    expect((await runCli(['cost', '--tolerance', '0.1'], world.env)).code).toBe(2);
    const { AURA_CLIENT_ID: _, ...withoutAura } = world.env;
    const run = await runCli(['cost', '--aura'], withoutAura);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AURA_CLIENT_ID');
  });
});
