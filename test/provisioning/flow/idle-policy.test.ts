import { describe, expect, it } from 'vitest';
import { isUserClientError } from '../../../src/client-factory/errors.js';
import { createUserQueryClients } from '../../../src/index.js';
import { createHarness, userIds } from '../harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const idle = { pauseAfterMs: DAY, sweepIntervalMs: 15 * MINUTE };

/** A harness with minutes-long pause and resume, two ready users, and the idle policy on. */
async function twoReadyUsers() {
  const h = createHarness({ transitionMs: { pausing: 2 * MINUTE, resuming: 3 * MINUTE } });
  const provisioner = h.newProvisioner({ idle, reconcileIntervalMs: 0 });
  const [idleUser, activeUser] = userIds(2) as [string, string];
  for (const user of [idleUser, activeUser]) await h.run(provisioner.provisionUserDatabase(user));
  for (const user of [idleUser, activeUser]) await h.run(provisioner.waitUntilReady(user));
  const instanceOf = async (user: string) =>
    h.fake.instance((await h.store.get(user))?.instanceId ?? '');
  /** Advances the clock in steps, the active user using their database at each. */
  const live = async (ms: number, step = HOUR) => {
    for (let left = ms; left > 0; left -= step) {
      await h.store.recordUse([{ userId: activeUser, at: h.clock.now() }]);
      await h.run(h.clock.advance(Math.min(step, left)));
    }
  };
  return { h, provisioner, idleUser, activeUser, instanceOf, live };
}

const clientsOf = ({ store, cipher, clock }: ReturnType<typeof createHarness>) => ({
  store,
  cipher,
  clock,
});

const resumes = (h: ReturnType<typeof createHarness>) =>
  h.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume'));

describe('the idle policy', () => {
  it('pauses the instance of a user unused for pauseAfterMs, and not an active one', async () => {
    const { h, provisioner, idleUser, activeUser, instanceOf, live } = await twoReadyUsers();
    await live(DAY - HOUR);
    expect((await h.store.get(idleUser))?.status).toBe('ready');
    await live(2 * HOUR);
    expect((await h.store.get(idleUser))?.status).toBe('paused');
    expect((await instanceOf(idleUser))?.status).toBe('paused');
    expect((await h.store.get(activeUser))?.status).toBe('ready');
    expect((await instanceOf(activeUser))?.status).toBe('running');
    expect(h.eventTypes(idleUser)).toContain('paused');
    expect(await provisioner.getProvisioningStatus(idleUser)).toMatchObject({ status: 'paused' });
    await provisioner.close();
  });

  it('wakes a paused user once however many callers ask at once, then they are ready again', async () => {
    const { h, provisioner, idleUser, instanceOf, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    const woken = await h.run(
      Promise.all(Array.from({ length: 10 }, () => provisioner.wakeUserDatabase(idleUser))),
    );
    expect(new Set(woken.map((status) => status.status))).toEqual(new Set(['resuming']));
    expect(resumes(h)).toHaveLength(1);
    expect(h.eventTypes(idleUser).filter((type) => type === 'resuming')).toHaveLength(1);
    const ready = await h.run(provisioner.waitUntilReady(idleUser));
    expect(ready.status).toBe('ready');
    expect((await instanceOf(idleUser))?.status).toBe('running');
    await provisioner.close();
  });

  it('counts a wake as a use: the woken instance is not paused again before pauseAfterMs', async () => {
    const { h, provisioner, idleUser, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    expect((await h.store.get(idleUser))?.status).toBe('paused');
    // Woken through the provisioner alone: no client has recorded a use since the pause.
    await h.run(provisioner.wakeUserDatabase(idleUser));
    await h.run(provisioner.waitUntilReady(idleUser));
    await live(DAY - 2 * HOUR);
    expect((await h.store.get(idleUser))?.status).toBe('ready');
    expect(h.eventTypes(idleUser).filter((type) => type === 'paused')).toHaveLength(1);
    await provisioner.close();
  });

  it('pauses again, within 60 minutes, an instance Aura resumed on its own after 30 days', async () => {
    const { h, provisioner, idleUser, instanceOf, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    expect((await instanceOf(idleUser))?.status).toBe('paused');
    // Step to 30 days after the pause, then minute by minute: when does Aura resume it, and
    // how soon after it runs is it paused again?
    const pausedSince = (await h.store.get(idleUser))?.updatedAt ?? 0;
    await live(pausedSince + 30 * DAY - h.clock.now());
    let runningAt: number | undefined;
    for (let minute = 0; minute < 180; minute++) {
      const status = (await instanceOf(idleUser))?.status;
      if (status === 'running') runningAt ??= h.clock.now();
      if (runningAt !== undefined && status !== 'running') break;
      await live(MINUTE, MINUTE);
    }
    expect(runningAt).toBeDefined();
    expect((await instanceOf(idleUser))?.status).toMatch(/^paus/);
    expect(h.clock.now() - (runningAt ?? 0)).toBeLessThanOrEqual(60 * MINUTE);
    expect(h.fake.bill().instances.reduce((n, m) => n + m.autoResumes, 0)).toBe(1);
    expect((await h.store.get(idleUser))?.status).toBe('paused');
    await provisioner.close();
  });

  it('finishes, through reconcile, a wake whose process died before the resume left', async () => {
    const { h, provisioner, idleUser, instanceOf, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    await provisioner.close();
    // The dead process won the compare-and-set and sent nothing.
    const paused = await h.store.get(idleUser);
    await h.store.update(idleUser, paused?.version ?? 0, {
      status: 'resuming',
      nextCheckAt: h.clock.now(),
    });
    const next = h.newProvisioner({ idle, reconcileIntervalMs: 0 });
    await h.run(next.reconcile());
    expect(await h.run(next.waitUntilReady(idleUser))).toMatchObject({ status: 'ready' });
    expect(resumes(h)).toHaveLength(1);
    expect((await instanceOf(idleUser))?.status).toBe('running');
    await next.close();
  });
});

describe('waking on use through the per-user clients', () => {
  it('throws UserDatabaseWakingError with a retry hint, having woken the user once', async () => {
    const { h, provisioner, idleUser, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    const queries = createUserQueryClients({ ...clientsOf(h), wake: { waker: provisioner } });
    const errors = await h.run(
      Promise.all([1, 2, 3].map(() => queries.queryClientFor(idleUser).catch((e: unknown) => e))),
    );
    for (const error of errors) {
      expect(isUserClientError(error, 'waking')).toBe(true);
      expect(error).toMatchObject({ status: 'resuming', retryAfterMs: 60_000 });
    }
    expect(resumes(h)).toHaveLength(1);
    await queries.closeAll();
    await provisioner.close();
  });

  it('with wait: true, waits for the instance with progress, then hands out the client', async () => {
    const { h, provisioner, idleUser, live } = await twoReadyUsers();
    await live(DAY + HOUR);
    const progress: number[] = [];
    const queries = createUserQueryClients({
      ...clientsOf(h),
      wake: { waker: provisioner, wait: true, onProgress: (p) => progress.push(p.elapsedMs) },
    });
    const started = h.clock.now();
    const client = await h.run(queries.queryClientFor(idleUser));
    expect(client).toBeDefined();
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(progress.length).toBeGreaterThan(0);
    expect((await h.store.get(idleUser))?.status).toBe('ready');
    await queries.closeAll();
    await provisioner.close();
  });
});
