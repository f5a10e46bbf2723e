import { describe, expect, it } from 'vitest';
import { createHarness, killSwitch, userIds, wrapStore } from '../harness.js';
import { PLACEMENT } from '../placement.js';

const HOSTS = /\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances$/;
const DATABASES =
  /\/v2beta1\/organizations\/org-1\/projects\/tenant-1\/instances\/[^/]+\/databases$/;

type CrashPoint =
  | 'after-claim'
  | 'host-claimed'
  | 'host-create-sent'
  | 'host-stored'
  | 'host-ready'
  | 'slot-taken'
  | 'user-placed'
  | 'database-create-sent'
  | 'first-database-read';

/**
 * A provisioner with the database-per-user placement dies at `point` (every
 * later call of it hangs, as in a dead process); a new one over the same
 * store and fake reconciles and finishes the job.
 */
async function crashAt(point: CrashPoint, naming: 'caller' | 'auto') {
  const h = createHarness({
    creationTimeMs: 90_000,
    databaseCreationTimeMs: 3_000,
    databaseNaming: naming,
  });
  const [user] = userIds(1) as [string];
  const process1 = killSwitch();
  const store = wrapStore(
    h.store,
    async (method, args, run) =>
      process1.guard(async () => {
        const result = await run();
        const name = method as string;
        const patch = args[2] as Record<string, unknown> | undefined;
        if (point === 'host-claimed' && name === 'claimHost') process1.kill();
        if (point === 'host-stored' && name === 'updateHost' && patch?.status === 'creating') {
          process1.kill();
        }
        if (point === 'host-ready' && name === 'updateHost' && patch?.status === 'ready') {
          process1.kill();
        }
        if (point === 'slot-taken' && name === 'updateHost' && patch?.used !== undefined) {
          process1.kill();
        }
        if (point === 'user-placed' && name === 'update' && patch?.status === 'creating') {
          process1.kill();
        }
        return result;
      }),
    { hosts: true },
  );
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
    process1.guard(async () => {
      const request = new Request(input, init);
      const response = await h.fetch(request);
      const { pathname } = new URL(request.url);
      if (point === 'host-create-sent' && request.method === 'POST' && HOSTS.test(pathname)) {
        process1.kill();
      }
      if (
        point === 'database-create-sent' &&
        request.method === 'POST' &&
        DATABASES.test(pathname)
      ) {
        process1.kill();
      }
      if (point === 'first-database-read' && request.method === 'GET' && DATABASES.test(pathname)) {
        process1.kill();
      }
      return process1.guard(async () => response);
    })) as typeof globalThis.fetch;

  const options = { instance: undefined, placement: PLACEMENT, reconcileIntervalMs: 0 };
  const dying = h.newProvisioner({ ...options, store, aura: h.newClient(fetch) });
  if (point === 'after-claim') {
    await h.run(dying.claimUser(user));
    process1.kill();
  } else {
    void dying.provisionUserDatabase(user).catch(() => {});
  }
  for (let i = 0; i < 600 && !process1.dead; i++) await h.clock.advance(1_000);
  expect(process1.dead).toBe(true);

  const process2 = h.newProvisioner(options);
  await h.run(process2.reconcile());
  const ready = await h.run(process2.waitUntilReady(user, { timeoutMs: 30 * 60_000 }));
  // Let the first process's leftovers show (a lease that ran out, a slot counted twice).
  await h.run(h.clock.sleep(600_000));
  const report = await h.run(process2.reconcile());
  await process2.close();
  return { h, user, ready, report };
}

describe.each([
  ['named as asked', 'caller'],
  ['named by Aura', 'auto'],
] as const)(
  'database-per-user (databases %s): a crash at each step, then reconcile in a new process',
  (_, naming) => {
    const points: CrashPoint[] = [
      'after-claim',
      'host-claimed',
      'host-create-sent',
      'host-stored',
      'host-ready',
      'slot-taken',
      'user-placed',
      'database-create-sent',
      'first-database-read',
    ];
    for (const point of points) {
      it(`ends ready with one database, a true slot count and no orphan: crash ${point}`, async () => {
        const { h, user, ready, report } = await crashAt(point, naming);
        expect(ready.status).toBe('ready');
        const record = await h.store.get(user);
        expect(record).toMatchObject({
          placement: 'database-per-user',
          instanceId: expect.any(String),
          databaseName: expect.any(String),
          encryptedPassword: null,
        });
        const liveHosts = h.liveInstances();
        // Only the warm host may come besides the user's: never a host whose password was lost.
        const hosts = await h.store.listHosts();
        for (const instance of liveHosts) {
          expect(hosts.some((host) => host.instanceId === instance.id)).toBe(true);
        }
        const databases = liveHosts.flatMap((i) =>
          h.fake
            .databases(i.id)
            .filter((db) => db.name !== 'neo4j')
            .map((db) => ({ ...db, host: i.id })),
        );
        expect(databases).toEqual([
          expect.objectContaining({ name: record?.databaseName, host: record?.instanceId }),
        ]);
        const userHost = hosts.find((host) => host.instanceId === record?.instanceId);
        expect(userHost?.used).toBe(2);
        expect(report.orphanDatabases).toEqual([]);
        expect(report.orphans).toEqual([]);
        await h.assertNoSecrets();
      });
    }
  },
);
