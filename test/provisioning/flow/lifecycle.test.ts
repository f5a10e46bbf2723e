import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../../src/records/errors.js';
import { deploymentTag, instanceNameForUser } from '../../../src/records/instance-name.js';
import { createAesGcmCipher } from '../../../src/stores/cipher-aes-gcm.js';
import { createHarness, SPEC, userIds, wrapStore } from '../harness.js';

describe('bad input is refused before anything is sent', () => {
  it.each([
    ['an empty user id', ''],
    ['a 256-character user id', 'u'.repeat(256)],
    ['a user id with surrounding white space', ' user-1 '],
    ['a user id that is not a string', 42 as unknown as string],
  ])('refuses %s', async (_, userId) => {
    const h = createHarness();
    const provisioner = h.newProvisioner();
    const error = await provisioner.provisionUserDatabase(userId).catch((e: unknown) => e);
    expect(isProvisioningError(error, 'invalid_configuration')).toBe(true);
    expect(h.fake.requests).toHaveLength(0);
    expect((await h.store.list()).records).toHaveLength(0);
    await provisioner.close();
  });

  it.each([
    ['a memory size Aura does not know', { ...SPEC, memory: '1gb' }],
    ['an unknown instance type', { ...SPEC, type: 'huge-db' }],
    ['an unknown cloud provider', { ...SPEC, cloudProvider: 'ibm' }],
  ])('refuses %s at construction', (_, instance) => {
    const h = createHarness();
    expect(() => h.newProvisioner({ instance: instance as typeof SPEC })).toThrow(
      expect.objectContaining({
        code: 'invalid_configuration',
        name: 'ProvisioningConfigurationError',
      }),
    );
    expect(h.fake.requests).toHaveLength(0);
  });

  it('refuses a prefix that would not leave room for the user in 30 characters', () => {
    const h = createHarness();
    expect(() => h.newProvisioner({ instanceNamePrefix: 'myapp-' })).toThrow(/prefix/);
  });

  it('refuses a cipher without its current key', () => {
    expect(() => createAesGcmCipher({ keys: {}, currentKeyId: 'k1' })).toThrow(
      expect.objectContaining({ code: 'invalid_configuration' }),
    );
  });
});

describe('deprovisionUserDatabase', () => {
  it('deletes the instance, then the record, and is idempotent', async () => {
    const h = createHarness();
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(await h.run(provisioner.deprovisionUserDatabase(user))).toEqual({ status: 'deleted' });
    expect(h.fake.instance(ready.instanceId ?? '')?.status).toBe('destroying');
    expect(await h.store.get(user)).toBeNull();
    expect(await h.run(provisioner.deprovisionUserDatabase(user))).toEqual({ status: 'not_found' });
    expect(await provisioner.getProvisioningStatus(user)).toMatchObject({ status: 'not_found' });
    expect(h.eventTypes(user).slice(-2)).toEqual(['deprovisioning', 'deprovisioned']);
    await provisioner.close();
    await h.assertNoSecrets();
  });

  it('treats a 404 from Aura as already deleted', async () => {
    const h = createHarness();
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user));
    h.fake.faults.failNext(1, { status: 404, match: { method: 'DELETE' } });
    expect(await h.run(provisioner.deprovisionUserDatabase(user))).toEqual({ status: 'deleted' });
    await provisioner.close();
  });

  it('keeps deleting in the background when Aura cannot be reached, and finishes later', async () => {
    const h = createHarness();
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(provisioner.waitUntilReady(user));
    h.fake.faults.failNext(5, { status: 409, match: { method: 'DELETE' } });
    expect(await h.run(provisioner.deprovisionUserDatabase(user))).toEqual({ status: 'deleting' });
    expect((await h.store.get(user))?.status).toBe('deleting');
    await h.clock.advance(5 * 60_000);
    expect(await h.store.get(user)).toBeNull();
    expect(h.liveInstances()).toHaveLength(0);
    await provisioner.close();
  });

  it('deletes a user whose create is still in flight, leaving no instance', async () => {
    const h = createHarness();
    h.fake.faults.createSucceedsThenTimeout(1);
    const provisioner = h.newProvisioner();
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    expect(await h.run(provisioner.deprovisionUserDatabase(user))).toEqual({ status: 'deleted' });
    await h.clock.advance(10 * 60_000);
    expect(h.liveInstances()).toHaveLength(0);
    expect(await h.store.get(user)).toBeNull();
    await provisioner.close();
  });
});

describe('reconcile and orphans', () => {
  /** Past the default grace period (10 minutes): old enough to be judged. */
  const OLD = 11 * 60_000;
  const tagged = (user: string) => instanceNameForUser(user, 'ap-', deploymentTag('prod'));

  it('reports an orphan of this deployment, and leaves foreign names alone', async () => {
    const h = createHarness();
    const [user] = userIds(1, 7) as [string];
    const orphan = h.fake.addInstance({ name: tagged(user), createdAt: h.clock.now() - OLD });
    h.fake.addInstance({ name: 'someone-elses-db' });
    const provisioner = h.newProvisioner({ deployment: 'prod' });
    const report = await h.run(provisioner.reconcile());
    expect(report.orphans).toEqual([
      {
        instanceId: orphan.id,
        instanceName: orphan.name,
        kind: 'orphan',
        userId: undefined,
        action: 'reported',
      },
    ]);
    expect(h.events.filter((e) => e.type === 'orphan-found')).toMatchObject([
      { instanceId: orphan.id, kind: 'orphan' },
    ]);
    await provisioner.close();
  });

  it('deletes orphans when configured to', async () => {
    const h = createHarness();
    const [user] = userIds(1, 7) as [string];
    const orphan = h.fake.addInstance({ name: tagged(user), createdAt: h.clock.now() - OLD });
    const provisioner = h.newProvisioner({ orphans: 'delete', deployment: 'prod' });
    const report = await h.run(provisioner.reconcile());
    expect(report.orphans[0]?.action).toBe('deleted');
    expect(h.fake.instance(orphan.id)?.status).toBe('destroying');
    await provisioner.close();
  });

  it("never deletes a young orphan, another deployment's instance or an untagged one it cannot prove its own", async () => {
    const h = createHarness();
    const [a, b, c] = userIds(3, 7) as [string, string, string];
    const young = h.fake.addInstance({ name: tagged(a) });
    const foreign = h.fake.addInstance({
      name: instanceNameForUser(b, 'ap-', deploymentTag('staging')),
      createdAt: h.clock.now() - OLD,
    });
    const untagged = h.fake.addInstance({
      name: instanceNameForUser(c, 'ap-'),
      createdAt: h.clock.now() - OLD,
    });
    const provisioner = h.newProvisioner({
      orphans: 'delete',
      deployment: 'prod',
      reconcileIntervalMs: 0,
    });
    const report = await h.run(provisioner.reconcile());
    const kinds = Object.fromEntries(report.orphans.map((o) => [o.instanceId, [o.kind, o.action]]));
    expect(kinds).toEqual({
      [young.id]: ['young', 'reported'],
      [foreign.id]: ['foreign', 'reported'],
      [untagged.id]: ['unproven', 'reported'],
    });
    expect(h.liveInstances()).toHaveLength(3);
    // The young one, once past the grace period, is an orphan and goes.
    await h.clock.advance(OLD);
    const later = await h.run(provisioner.reconcile());
    expect(later.orphans.find((o) => o.instanceId === young.id)).toMatchObject({
      kind: 'orphan',
      action: 'deleted',
    });
    expect(h.liveInstances()).toHaveLength(2);
    await provisioner.close();
  });

  it('adopts an orphan into a record and replaces it with an instance whose credentials are kept (prefix declared exclusive)', async () => {
    const h = createHarness();
    const [user] = userIds(1, 7) as [string];
    const orphan = h.fake.addInstance({
      name: instanceNameForUser(user, 'ap-'),
      createdAt: h.clock.now() - OLD,
    });
    const provisioner = h.newProvisioner({ orphans: 'adopt', deployment: false });
    const report = await h.run(provisioner.reconcile());
    expect(report.orphans[0]?.action).toBe('adopted');
    expect(await provisioner.getProvisioningStatus(user)).toMatchObject({
      status: 'failed',
      instanceId: orphan.id,
      lastError: 'adopted-without-credentials',
      retryable: true,
    });
    const retry = await h.run(provisioner.reconcile());
    expect(retry.retried).toBe(1);
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(ready.instanceId).not.toBe(orphan.id);
    expect(h.liveInstances().map((i) => i.id)).toEqual([ready.instanceId]);
    await provisioner.close();
  });

  it('does not take a user whose create is in flight for an orphan', async () => {
    const h = createHarness();
    h.fake.faults.createSucceedsThenTimeout(1);
    const provisioner = h.newProvisioner({ orphans: 'delete' });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    const report = await h.run(provisioner.reconcile());
    expect(report.orphans).toEqual([]);
    await h.run(provisioner.waitUntilReady(user));
    await provisioner.close();
  });

  it('resumes records of another, dead process without creating anything twice (two reconcilers at once)', async () => {
    const h = createHarness();
    const users = userIds(20);
    const dead = h.newProvisioner({
      scheduler: { schedule: () => {}, start: () => {}, close: async () => {} },
    });
    await h.run(Promise.all(users.map((u) => dead.claimUser(u))));
    const a = h.newProvisioner();
    const b = h.newProvisioner();
    const [ra, rb] = await h.run(Promise.all([a.reconcile(), b.reconcile()]));
    expect(ra.resumed + rb.resumed).toBe(40);
    await h.run(Promise.all(users.map((u) => a.waitUntilReady(u))));
    expect(h.creates()).toHaveLength(20);
    expect(h.liveInstances()).toHaveLength(20);
    await Promise.all([a.close(), b.close()]);
    await h.assertNoSecrets();
  });
});

describe('store failures', () => {
  it('reach the caller as CredentialStoreError naming the operation, with the cause kept', async () => {
    const h = createHarness();
    const boom = new Error('connection refused');
    let claims = 0;
    const store = wrapStore(h.store, async (method, _args, run) => {
      if (method === 'claim') {
        claims++;
        throw boom;
      }
      return run();
    });
    const provisioner = h.newProvisioner({ store });
    const [user] = userIds(1) as [string];
    const error = await h.run(provisioner.provisionUserDatabase(user)).catch((e: unknown) => e);
    // A claim is an insert-if-absent: it was tried three times before giving up.
    expect(claims).toBe(3);
    expect(error).toMatchObject({
      name: 'CredentialStoreError',
      code: 'store_failure',
      operation: 'claim',
    });
    expect((error as Error).cause).toBe(boom);
    expect(h.fake.requests).toHaveLength(0);
    await provisioner.close();
  });
});

describe('a logger that throws', () => {
  it('stops neither provisioning nor reconcile, which returns its report', async () => {
    const h = createHarness({ creationTimeMs: 5_000 });
    const throwing = {
      info: () => {
        throw new Error('log sink down');
      },
      warn: () => {
        throw new Error('log sink down');
      },
    };
    const provisioner = h.newProvisioner({ logger: throwing, reconcileIntervalMs: 0 });
    const [user] = userIds(1, 40) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    expect((await h.run(provisioner.waitUntilReady(user))).status).toBe('ready');
    const report = await h.run(provisioner.reconcile());
    expect(report).toMatchObject({ resumed: 0, retried: 0, orphans: [], lost: [] });
    await provisioner.close();
  });
});
