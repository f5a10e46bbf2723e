import { describe, expect, it } from 'vitest';
import { createHarness, killSwitch, userIds, wrapStore } from '../harness.js';

type CrashPoint = 'after-claim' | 'create-sent' | 'credentials-stored' | 'first-status-read';

/**
 * Runs a provisioner that dies at `point` (every later call of it hangs
 * forever, as in a dead process), then builds a new one over the same store
 * and fake, runs reconcile, and returns what happened.
 */
async function crashAt(point: CrashPoint) {
  const h = createHarness({ creationTimeMs: 90_000 });
  const [user] = userIds(1) as [string];
  const process1 = killSwitch();
  const store = wrapStore(h.store, async (method, args, run) =>
    process1.guard(async () => {
      const result = await run();
      const patch = args[2] as { status?: string } | undefined;
      if (point === 'credentials-stored' && method === 'update' && patch?.status === 'creating') {
        process1.kill();
      }
      return result;
    }),
  );
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
    process1.guard(async () => {
      const request = new Request(input, init);
      const response = await h.fetch(request);
      const { pathname } = new URL(request.url);
      if (point === 'create-sent' && request.method === 'POST' && pathname === '/v1/instances') {
        process1.kill();
      }
      if (
        point === 'first-status-read' &&
        request.method === 'GET' &&
        pathname.startsWith('/v1/instances/')
      ) {
        process1.kill();
      }
      return process1.guard(async () => response);
    })) as typeof globalThis.fetch;

  const dying = h.newProvisioner({ store, aura: h.newClient(fetch) });
  if (point === 'after-claim') {
    await h.run(dying.claimUser(user));
    process1.kill();
  } else {
    void dying.provisionUserDatabase(user).catch(() => {});
  }
  // Step simulated time until the process has died at its point (encryption runs on real time).
  for (let i = 0; i < 300 && !process1.dead; i++) await h.clock.advance(1_000);
  expect(process1.dead).toBe(true);

  const process2 = h.newProvisioner();
  const report = await h.run(process2.reconcile());
  const ready = await h.run(process2.waitUntilReady(user, { timeoutMs: 30 * 60_000 }));
  const second = await h.run(process2.reconcile());
  await process2.close();
  return { h, user, report, ready, second };
}

describe('a crash at each step of the flow, then reconcile in a new process', () => {
  const points: CrashPoint[] = [
    'after-claim',
    'create-sent',
    'credentials-stored',
    'first-status-read',
  ];

  for (const point of points) {
    it(`ends ready with one live instance and no orphan: crash ${point}`, async () => {
      const { h, user, report, ready, second } = await crashAt(point);
      expect(ready.status).toBe('ready');
      expect(report.resumed).toBe(1);
      expect(h.liveInstances(ready.instanceName ?? '')).toHaveLength(1);
      expect(h.liveInstances()).toHaveLength(1);
      expect(report.orphans).toEqual([]);
      expect(second.orphans).toEqual([]);
      // The ready instance is the one whose credentials the record holds.
      expect(h.liveInstances()[0]?.id).toBe(ready.instanceId);
      expect(await h.cipher.decrypt((await h.store.get(user))?.encryptedPassword ?? '', user)).toBe(
        h.fake.instance(ready.instanceId ?? '')?.password,
      );
      await h.assertNoSecrets();
    });
  }

  it('replaces an instance whose create answer died with the process (the password is gone)', async () => {
    const { h, user, ready } = await crashAt('create-sent');
    const adopted = h.events.find((e) => e.type === 'adopted' && e.userId === user);
    const discarded = h.events.find((e) => e.type === 'instance-discarded' && e.userId === user);
    expect(adopted?.instanceId).toBeDefined();
    expect(discarded).toMatchObject({
      instanceId: adopted?.instanceId,
      reason: 'credentials-lost',
    });
    expect(adopted?.instanceId).not.toBe(ready.instanceId);
    expect(h.creates()).toHaveLength(2);
    const deletes = h.fake.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual([`/v1/instances/${adopted?.instanceId}`]);
  });
});
