import { describe, expect, it } from 'vitest';
import { AuraClient } from '../../../src/aura/client.js';
import type { RateLimiter } from '../../../src/aura/rate-limiter.js';
import { createHarness, userIds } from '../harness.js';

const MINUTE = 60_000;

/** A limiter that holds the first request it is asked for until `open()`; the rest pass. */
function holdFirstRequest() {
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let first = true;
  const limiter: RateLimiter = {
    acquire: () => {
      if (!first) return Promise.resolve();
      first = false;
      return gate;
    },
  };
  return { limiter, open };
}

describe('the create lease', () => {
  it('sends nothing when the record was taken over while its create waited in the queue', async () => {
    const h = createHarness();
    const [user] = userIds(1) as [string];
    const held = holdFirstRequest();
    const slow = new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: 'tenant-1',
      clock: h.clock,
      fetch: h.fetch as typeof fetch,
      rateLimiter: held.limiter,
    });
    // Process A's create waits for a rate-limit slot longer than its 3-minute lease.
    const a = h.newProvisioner({ aura: slow, reconcileIntervalMs: 0 });
    const waiting = a.provisionUserDatabase(user);
    await h.clock.advance(4 * MINUTE);
    expect(h.creates()).toHaveLength(0);
    // Process B finds the lease over, takes the record and creates the instance.
    const b = h.newProvisioner({ reconcileIntervalMs: 0 });
    await h.run(b.reconcile());
    await h.run(b.waitUntilReady(user));
    expect(h.creates()).toHaveLength(1);
    // A's slot comes at last: the record is no longer the one it leased, so nothing is sent.
    held.open();
    await h.run(waiting);
    const ready = await h.run(b.getProvisioningStatus(user));
    expect(ready).toMatchObject({ status: 'ready' });
    expect(h.creates()).toHaveLength(1);
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(h.liveInstances().map((i) => i.id)).toEqual([ready.instanceId]);
    expect(h.logs.some((line) => line.includes('create not sent'))).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('runs from the moment the create leaves: a slow create after a long queue keeps its record', async () => {
    const h = createHarness();
    const [user] = userIds(1) as [string];
    const held = holdFirstRequest();
    // A's create reaches Aura two minutes after it leaves (a slow network, a stalled proxy).
    const slowFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === 'POST' && new URL(request.url).pathname === '/v1/instances') {
        await h.clock.sleep(2 * MINUTE);
      }
      return h.fetch(request);
    }) as typeof fetch;
    const slow = new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: 'tenant-1',
      clock: h.clock,
      fetch: slowFetch,
      rateLimiter: held.limiter,
      timeoutMs: 5 * MINUTE,
    });
    const a = h.newProvisioner({ aura: slow, reconcileIntervalMs: 0 });
    const b = h.newProvisioner({ reconcileIntervalMs: 0 });
    const waiting = a.provisionUserDatabase(user);
    await h.clock.advance(4 * MINUTE);
    held.open();
    // At 5 minutes A's create is in flight: its lease, renewed when it left at 4, still holds.
    await h.clock.advance(MINUTE);
    await h.run(b.reconcile());
    expect((await h.run(waiting)).status).toBe('creating');
    await h.run(a.waitUntilReady(user));
    await h.clock.advance(5 * MINUTE);
    expect(h.creates()).toHaveLength(1);
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(await h.run(a.getProvisioningStatus(user))).toMatchObject({ status: 'ready' });
    await Promise.all([a.close(), b.close()]);
  });
});
