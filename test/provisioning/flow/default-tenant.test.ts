import { describe, expect, it } from 'vitest';
import { AuraClient } from '../../../src/aura/client.js';
import { isAuraError } from '../../../src/aura/errors/base.js';
import { createHarness, SPEC, userIds } from '../harness.js';

/** A client given no tenantId, on the harness's fake and clock. */
const clientWithoutTenant = (h: ReturnType<typeof createHarness>) =>
  new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    clock: h.clock,
    fetch: h.fetch as typeof fetch,
  });

describe('a provisioner given no tenantId (neither in the spec nor on the client)', () => {
  it('provisions in the only tenant the credentials see, looked up once; reconcile looks only there', async () => {
    const h = createHarness({ creationTimeMs: 90_000 });
    const provisioner = h.newProvisioner({ aura: clientWithoutTenant(h), instance: SPEC });
    const [first, second] = userIds(2) as [string, string];
    await h.run(provisioner.provisionUserDatabase(first));
    await h.run(provisioner.provisionUserDatabase(second));
    expect((await h.run(provisioner.waitUntilReady(first))).status).toBe('ready');
    await h.run(provisioner.reconcile());
    expect(h.fake.instances.map((i) => i.tenantId)).toEqual(['tenant-1', 'tenant-1']);
    const tenantLookups = h.apiCalls().filter((r) => r.path === '/v1/tenants');
    expect(tenantLookups).toHaveLength(1);
    const lists = h.apiCalls().filter((r) => r.method === 'GET' && r.path === '/v1/instances');
    expect(lists.map((r) => r.query)).toEqual([{ tenantId: 'tenant-1' }]);
    await provisioner.close();
  });

  it('with several tenants: the record fails with tenant-required (retryable), reconcile throws, nothing is created', async () => {
    const h = createHarness({
      tenants: [
        { id: 'tenant-a', name: 'A' },
        { id: 'tenant-b', name: 'B' },
      ],
    });
    const provisioner = h.newProvisioner({ aura: clientWithoutTenant(h), instance: SPEC });
    const [user] = userIds(1) as [string];
    const status = await h.run(provisioner.provisionUserDatabase(user));
    expect(status).toMatchObject({
      status: 'failed',
      lastError: 'tenant-required',
      retryable: true,
    });
    const error = await h.run(provisioner.reconcile()).catch((e: unknown) => e);
    expect(isAuraError(error, 'tenant_required')).toBe(true);
    expect((error as Error).message).toContain('tenant-a, tenant-b');
    expect(h.creates()).toEqual([]);
    await provisioner.close();
  });
});
