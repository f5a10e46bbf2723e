import { describe, expect, it } from 'vitest';
import { newRecord } from '../../../src/records/record.js';
import { createHarness, userIds } from '../harness.js';

describe('each record is stepped by the strategy of its stored placement', () => {
  it('an instance-per-user provisioner leaves a database-per-user user alone, says so, and creates nothing', async () => {
    const h = createHarness({ creationTimeMs: 0 });
    const provisioner = h.newProvisioner({ reconcileIntervalMs: 0 });
    const [user] = userIds(1) as [string];
    await h.store.claim(
      newRecord(user, 'ap-hosted-user', {
        placement: 'database-per-user',
        nextCheckAt: h.clock.now(),
      }),
    );
    await h.run(provisioner.provisionUserDatabase(user));
    await h.run(h.clock.advance(60_000));
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect((await h.store.get(user))?.status).toBe('pending');
    expect(h.logs.some((line) => line.includes('database-per-user user is left for'))).toBe(true);
    await provisioner.close();
  });
});
