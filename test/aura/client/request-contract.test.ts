import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../support/openapi.js';
import {
  apiRequests,
  type Harness,
  INSTANCE_SPEC,
  requestsBreakingTheContract,
  useAuraFake,
} from './setup.js';

const { setup } = useAuraFake();

/** Runs every resource method once, in an order the fake's lifecycle allows. */
async function callEveryMethod({ aura, clock, run }: Harness): Promise<void> {
  await run(aura.tenants.list());
  await run(aura.tenants.get());
  const created = await run(
    aura.instances.create({
      ...INSTANCE_SPEC,
      vectorOptimized: false,
      graphAnalyticsPlugin: false,
    }),
  );
  await run(aura.instances.list());
  await run(aura.instances.findByName(INSTANCE_SPEC.name));
  await run(aura.instances.get(created.id));
  await run(aura.instances.update(created.id, { name: 'user-1-renamed', memory: '2GB' }));
  await clock.advance(5_000);
  await run(aura.instances.pause(created.id));
  await clock.advance(30_000);
  await run(aura.instances.resume(created.id));
  await clock.advance(60_000);
  const { snapshotId } = await run(aura.snapshots.create(created.id));
  await run(aura.snapshots.list(created.id));
  await run(aura.snapshots.list(created.id, { date: '2026-01-01' }));
  await clock.advance(30_000);
  await run(aura.snapshots.get(created.id, snapshotId));
  await run(aura.snapshots.restore(created.id, snapshotId));
  await clock.advance(60_000);
  await run(aura.instances.delete(created.id));
}

// Every test file built on `useAuraFake` also validates each recorded request after each test.
describe('requests on the wire', () => {
  it('all validate against the official OpenAPI document', async () => {
    const harness = setup({ fake: { creationTimeMs: 0 } });
    await callEveryMethod(harness);
    const requests = apiRequests(harness.fake);
    const operations = requests.map(
      (r) => `${r.method} ${r.path.replace(/\/[0-9a-f-]{8,}/g, '/:id')}`,
    );
    expect(operations).toEqual([
      'GET /v1/tenants',
      'GET /v1/tenants/tenant-1',
      'POST /v1/instances',
      'GET /v1/instances',
      'GET /v1/instances',
      'GET /v1/instances/:id',
      'PATCH /v1/instances/:id',
      'POST /v1/instances/:id/pause',
      'POST /v1/instances/:id/resume',
      'POST /v1/instances/:id/snapshots',
      'GET /v1/instances/:id/snapshots',
      'GET /v1/instances/:id/snapshots',
      'GET /v1/instances/:id/snapshots/:id',
      'POST /v1/instances/:id/snapshots/:id/restore',
      'DELETE /v1/instances/:id',
    ]);
    expect(requests.every((r) => r.status >= 200 && r.status < 300)).toBe(true);
    expect(requestsBreakingTheContract(harness.fake)).toEqual([]);
  });

  it('are checked by a validator that does reject a broken body', () => {
    const result = validateRequest({ method: 'POST', path: '/instances', body: { name: 'x' } });
    expect(result.ok).toBe(false);
  });
});
