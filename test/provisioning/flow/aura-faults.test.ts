import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../../src/records/errors.js';
import { createHarness, userIds, wrapStore } from '../harness.js';

const createMatch = { method: 'POST', path: '/instances' };

describe('provisioning through Aura faults', () => {
  it('adopts a create that succeeded at Aura but timed out for the client, and does not duplicate it', async () => {
    const h = createHarness();
    h.fake.faults.createSucceedsThenTimeout(1);
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    const first = await h.run(provisioner.provisionUserDatabase(user));
    expect(first).toMatchObject({ status: 'pending', lastError: 'create-outcome-unknown' });
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(ready.status).toBe('ready');
    // The lost-answer instance was found by name, adopted, and replaced (its password is gone).
    const adopted = h.events.find((e) => e.type === 'adopted');
    expect(adopted).toMatchObject({ userId: user, reason: 'create-answer-lost' });
    expect(h.liveInstances()).toHaveLength(1);
    expect(h.liveInstances()[0]?.id).toBe(ready.instanceId);
    expect(h.creates()).toHaveLength(2);
    await provisioner.close();
    await h.assertNoSecrets();
  });

  it("never deletes another user's instance: ids differing only in letter case get their own names", async () => {
    const h = createHarness();
    const provisioner = h.newProvisioner();
    const lower = '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e';
    const upper = lower.toUpperCase();
    const first = await h.run(provisioner.provisionUserDatabase(lower));
    await h.run(provisioner.waitUntilReady(lower));
    // The second user's create succeeds at Aura but its answer is lost: the retry looks its name up.
    h.fake.faults.createSucceedsThenTimeout(1);
    await h.run(provisioner.provisionUserDatabase(upper));
    const second = await h.run(provisioner.waitUntilReady(upper));
    expect(second.instanceName).not.toBe(first.instanceName);
    expect(
      h
        .liveInstances()
        .map((i) => i.id)
        .sort(),
    ).toEqual([first.instanceId, second.instanceId].sort());
    expect(await h.run(provisioner.getProvisioningStatus(lower))).toMatchObject({
      status: 'ready',
      instanceId: first.instanceId,
    });
    await provisioner.close();
  });

  it('defers a create whose token request keeps failing with 503, then creates once', async () => {
    const h = createHarness();
    // More failures than the token request's own retries: the create call itself fails.
    h.fake.faults.failNext(6, { status: 503, match: { path: '/oauth/token' } });
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    const first = await h.run(provisioner.provisionUserDatabase(user));
    expect(first).toMatchObject({
      status: 'pending',
      lastError: 'token-server-error',
      attempts: 0,
    });
    expect(h.creates()).toHaveLength(0);
    expect(await h.run(provisioner.waitUntilReady(user))).toMatchObject({ status: 'ready' });
    expect(h.creates()).toHaveLength(1);
    // Nothing was sent, so nothing needed looking up by name.
    expect(h.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/instances')).toEqual(
      [],
    );
    await provisioner.close();
  });

  it('waits out a 5xx on create without creating twice: the name is looked up first', async () => {
    const h = createHarness();
    h.fake.faults.failNext(1, { status: 503, match: createMatch });
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user));
    const lookups = h.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/instances');
    expect(lookups).toHaveLength(1);
    expect(h.creates()).toHaveLength(2);
    expect(h.liveInstances()).toHaveLength(1);
    await provisioner.close();
  });

  it.each([
    ['405 instance limit', { status: 405 }, 'instance-limit-reached', true],
    ['400 missing-billing-details', { status: 400 }, 'missing-billing-details', false],
  ] as const)('fails the record with the reason on %s', async (_, fault, reason, retryable) => {
    const h = createHarness();
    h.fake.faults.failNext(1, { ...fault, match: createMatch });
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    const status = await h.run(provisioner.provisionUserDatabase(user));
    expect(status).toMatchObject({ status: 'failed', lastError: reason, retryable });
    const error = await h.run(provisioner.waitUntilReady(user)).catch((e: unknown) => e);
    expect(isProvisioningError(error, 'provisioning_failed')).toBe(true);
    expect(error).toMatchObject({ reason, retryable, userId: user });
    expect(h.events.at(-1)).toMatchObject({ type: 'failed', reason, retryable });
    await provisioner.close();
    await h.assertNoSecrets();
  });

  it('fails on loading failed, and a later reconcile retries only what is retryable', async () => {
    let failNextCreation = true;
    const h = createHarness({
      failCreation: () => {
        const fail = failNextCreation;
        failNextCreation = false;
        return fail;
      },
    });
    // Reconcile is called by hand here, not on the provisioner's timer.
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 0 });
    const [loading, billing, limit] = userIds(3) as [string, string, string];
    await h.run(provisioner.provisionUserDatabase(loading));
    const failed = await h.run(provisioner.waitUntilReady(loading)).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 'provisioning_failed',
      reason: 'instance-loading-failed',
    });
    h.fake.faults.failNext(1, { status: 400, match: createMatch });
    await h.run(provisioner.provisionUserDatabase(billing));
    h.fake.faults.failNext(1, { status: 405, match: createMatch });
    await h.run(provisioner.provisionUserDatabase(limit));

    // Too early: nothing is due for a retry yet.
    expect((await h.run(provisioner.reconcile())).retried).toBe(0);
    await h.clock.advance(60 * 60_000);
    const report = await h.run(provisioner.reconcile());
    expect(report.retried).toBe(2);
    await h.run(
      Promise.all([provisioner.waitUntilReady(loading), provisioner.waitUntilReady(limit)]),
    );
    expect(await provisioner.getProvisioningStatus(billing)).toMatchObject({
      status: 'failed',
      lastError: 'missing-billing-details',
      retryable: false,
    });
    // The failed instance was deleted before the retry: one live instance per ready user.
    expect(h.liveInstances()).toHaveLength(2);
    expect(h.eventTypes(loading)).toContain('retrying');
    await provisioner.close();
    await h.assertNoSecrets();
  });

  it('retries a store write that fails after create, and ends ready', async () => {
    const h = createHarness();
    let failures = 2;
    const store = wrapStore(h.store, async (method, args, run) => {
      const patch = args[2] as { status?: string } | undefined;
      if (method === 'update' && patch?.status === 'creating' && failures-- > 0) {
        throw new Error('connection reset');
      }
      return run();
    });
    const provisioner = h.newProvisioner({ store });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    expect((await h.run(provisioner.waitUntilReady(user))).status).toBe('ready');
    expect(h.creates()).toHaveLength(1);
    await provisioner.close();
  });

  it('deletes the instance and fails the record when the store write keeps failing', async () => {
    const h = createHarness();
    const store = wrapStore(h.store, async (method, args, run) => {
      const patch = args[2] as { status?: string } | undefined;
      if (method === 'update' && patch?.status === 'creating') throw new Error('disk full');
      return run();
    });
    const provisioner = h.newProvisioner({ store });
    const [user] = userIds(1) as [string];
    const status = await h.run(provisioner.provisionUserDatabase(user));
    expect(status).toMatchObject({
      status: 'failed',
      lastError: 'store-write-failed',
      retryable: true,
    });
    expect(h.liveInstances()).toHaveLength(0);
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(h.eventTypes(user)).toContain('instance-discarded');
    await provisioner.close();
    await h.assertNoSecrets();
  });
});
