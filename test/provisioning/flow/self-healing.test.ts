import { describe, expect, it } from 'vitest';
import { isProvisioningError } from '../../../src/records/errors.js';
import { instanceNameForUser } from '../../../src/records/instance-name.js';
import { newRecord } from '../../../src/records/record.js';
import { createHarness, userIds, wrapStore } from '../harness.js';

const MINUTE = 60_000;

describe('no user depends on the app calling reconcile', () => {
  it('runs a check again when it throws (a failed store read), and the user ends ready', async () => {
    const h = createHarness();
    const [user] = userIds(1) as [string];
    let failures = 0;
    // The scheduled check's first two reads of the record fail; nothing else reads it yet.
    const store = wrapStore(h.store, async (method, _args, run) => {
      if (method === 'get' && failures < 2) {
        failures++;
        throw new Error('connection reset');
      }
      return run();
    });
    const provisioner = h.newProvisioner({ store, reconcileIntervalMs: 0 });
    await h.run(provisioner.claimUser(user));
    await h.clock.advance(10_000);
    expect(failures).toBe(2);
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 10 * MINUTE }));
    expect(ready.status).toBe('ready');
    expect(h.creates()).toHaveLength(1);
    expect(h.logs.filter((line) => line.includes('scheduled check failed'))).toHaveLength(2);
    await provisioner.close();
  });

  it('resumes, on its own timer, a record a dead process left pending', async () => {
    const h = createHarness();
    const [user] = userIds(1) as [string];
    // Claimed by a process that died before its scheduler ran the create.
    await h.store.claim(
      newRecord(user, instanceNameForUser(user, 'ap-'), { nextCheckAt: h.clock.now() }),
    );
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 2 * MINUTE });
    const ready = await h.run(provisioner.waitUntilReady(user, { timeoutMs: 10 * MINUTE }));
    expect(ready.status).toBe('ready');
    expect(h.creates()).toHaveLength(1);
    await provisioner.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('with reconcileIntervalMs: 0, leaves a stranded record to an explicit reconcile', async () => {
    const h = createHarness();
    const [user] = userIds(1) as [string];
    await h.store.claim(
      newRecord(user, instanceNameForUser(user, 'ap-'), { nextCheckAt: h.clock.now() }),
    );
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 0 });
    const waited = await h
      .run(provisioner.waitUntilReady(user, { timeoutMs: 30 * MINUTE }))
      .catch((error: unknown) => error);
    expect(isProvisioningError(waited, 'timeout')).toBe(true);
    expect(h.creates()).toHaveLength(0);
    await h.run(provisioner.reconcile());
    expect((await h.run(provisioner.waitUntilReady(user))).status).toBe('ready');
    await provisioner.close();
  });

  it.each([-1, Number.NaN, 2 ** 31, '5' as unknown as number])(
    'refuses reconcileIntervalMs %s',
    (value) => {
      const h = createHarness();
      let caught: unknown;
      try {
        h.newProvisioner({ reconcileIntervalMs: value });
      } catch (error) {
        caught = error;
      }
      expect(isProvisioningError(caught, 'invalid_configuration')).toBe(true);
    },
  );
});
