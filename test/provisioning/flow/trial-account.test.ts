import { describe, expect, it } from 'vitest';
import { createHarness, userIds } from '../harness.js';

const MINUTE = 60_000;

describe('a trial account (25 calls a minute) that answers 429 without Retry-After', () => {
  it('gets a 100-signup burst ready with at most 10 × 429 in all', async () => {
    const h = createHarness({ rateLimit: { limit: 25, windowMs: MINUTE, retryAfter: false } });
    const provisioner = h.newProvisioner();
    const users = userIds(100);
    await h.run(Promise.all(users.map((user) => provisioner.claimUser(user))));
    const ready = await h.run(
      Promise.all(
        users.map((user) => provisioner.waitUntilReady(user, { timeoutMs: 240 * MINUTE })),
      ),
    );
    expect(ready.map((status) => status.status)).toEqual(users.map(() => 'ready'));
    const refused = h.fake.requests.filter((request) => request.status === 429);
    expect(refused.length).toBeLessThanOrEqual(10);
    // Not vacuous: the account's budget was hit, and then the client kept under it.
    expect(refused.length).toBeGreaterThan(0);
    expect(h.liveInstances()).toHaveLength(100);
  });
});
