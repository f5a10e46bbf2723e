import { describe, expect, it } from 'vitest';
import { AuraTenantRequiredError, isAuraError } from '../../../src/aura/index.js';
import {
  apiRequests,
  CREDENTIALS,
  INSTANCE_SPEC,
  rejectionOf,
  summary,
  TENANT_ID,
  useAuraFake,
} from './setup.js';

const { setup } = useAuraFake();

const NO_TENANT = { client: { tenantId: undefined } };
const TWO_TENANTS = [
  { id: 'tenant-a', name: 'A' },
  { id: 'tenant-b', name: 'B' },
];

describe('a client without tenantId', () => {
  it('creates in the only tenant the credentials see, looked up once for every later call', async () => {
    const { aura, fake, run } = setup(NO_TENANT);
    const [first, second] = await run(
      Promise.all([
        aura.instances.create(INSTANCE_SPEC),
        aura.instances.create({ ...INSTANCE_SPEC, name: 'user-2' }),
      ]),
    );
    await run(aura.instances.create({ ...INSTANCE_SPEC, name: 'user-3' }));
    expect((await run(aura.tenants.get())).id).toBe(TENANT_ID);
    expect(await run(aura.tenants.defaultId())).toBe(TENANT_ID);
    expect([first?.tenantId, second?.tenantId]).toEqual([TENANT_ID, TENANT_ID]);
    expect(fake.instances.map((i) => i.tenantId)).toEqual([TENANT_ID, TENANT_ID, TENANT_ID]);
    // One lookup, shared by the two creates that asked at once, and kept.
    expect(summary(apiRequests(fake))).toEqual([
      'GET /v1/tenants 200',
      'POST /v1/instances 202',
      'POST /v1/instances 202',
      'POST /v1/instances 202',
      `GET /v1/tenants/${TENANT_ID} 200`,
    ]);
    // What was given stays what the client reports.
    expect(aura.tenantId).toBeUndefined();
  });

  it("lists every tenant's instances without a lookup, as before", async () => {
    const { aura, fake, run } = setup({ ...NO_TENANT, fake: { tenants: TWO_TENANTS } });
    fake.addInstance({ name: 'in-a', tenantId: 'tenant-a' });
    fake.addInstance({ name: 'in-b', tenantId: 'tenant-b' });
    const names = (await run(aura.instances.list())).map((i) => i.name).sort();
    expect(names).toEqual(['in-a', 'in-b']);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/instances 200']);
  });

  it('several tenants: AuraTenantRequiredError naming them, nothing created, asked again next time', async () => {
    const { aura, fake, run } = setup({ ...NO_TENANT, fake: { tenants: TWO_TENANTS } });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraTenantRequiredError);
    expect(isAuraError(error, 'tenant_required')).toBe(true);
    expect((error as AuraTenantRequiredError).tenantIds).toEqual(['tenant-a', 'tenant-b']);
    expect(error.message).toBe(
      'No tenantId given, and these credentials see several: pass one of tenant-a, tenant-b',
    );
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'AuraTenantRequiredError',
      code: 'tenant_required',
      tenantIds: ['tenant-a', 'tenant-b'],
    });
    expect(JSON.stringify(error)).not.toContain(CREDENTIALS.clientSecret);
    await rejectionOf(run(aura.tenants.get()));
    expect(fake.instances).toEqual([]);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 200', 'GET /v1/tenants 200']);
  });

  it('no tenant: AuraTenantRequiredError with none to choose from, nothing created', async () => {
    const { aura, fake, run } = setup(NO_TENANT);
    fake.faults.failNext(1, { status: 200, body: { data: [] }, match: { path: '/tenants' } });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(isAuraError(error, 'tenant_required')).toBe(true);
    expect((error as AuraTenantRequiredError).tenantIds).toEqual([]);
    expect(error.message).toBe('No tenantId given, and these credentials see no tenant');
    expect(fake.instances).toEqual([]);
    expect(summary(apiRequests(fake))).toEqual(['GET /v1/tenants 200']);
  });

  it('a failed lookup is not kept: the next call looks again', async () => {
    const { aura, fake, run } = setup({
      ...NO_TENANT,
      client: { ...NO_TENANT.client, retry: { limit: 0 } },
    });
    fake.faults.failNext(1, { status: 503, match: { path: '/tenants' } });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(isAuraError(error, 'server_error')).toBe(true);
    expect(isAuraError(error, 'create_outcome_unknown')).toBe(false);
    await run(aura.instances.create(INSTANCE_SPEC));
    expect(summary(apiRequests(fake))).toEqual([
      'GET /v1/tenants 503',
      'GET /v1/tenants 200',
      'POST /v1/instances 202',
    ]);
  });

  it('a tenantId passed to the call needs no lookup', async () => {
    const { aura, fake, run } = setup({ ...NO_TENANT, fake: { tenants: TWO_TENANTS } });
    await run(aura.instances.create({ ...INSTANCE_SPEC, tenantId: 'tenant-b' }));
    expect(summary(apiRequests(fake))).toEqual(['POST /v1/instances 202']);
  });

  it('checks the spec before looking the tenant up: a bad spec sends nothing', async () => {
    const { aura, fake, run } = setup(NO_TENANT);
    const error = await rejectionOf(
      run(aura.instances.create({ ...INSTANCE_SPEC, memory: '1gb' })),
    );
    expect(isAuraError(error, 'invalid_configuration')).toBe(true);
    expect(fake.requests).toEqual([]);
  });
});

describe('a client with tenantId', () => {
  it('uses it and never looks tenants up, even when the credentials see several', async () => {
    const { aura, fake, run } = setup({
      fake: { tenants: TWO_TENANTS },
      client: { tenantId: 'tenant-a' },
    });
    await run(aura.instances.create(INSTANCE_SPEC));
    expect(await run(aura.tenants.defaultId())).toBe('tenant-a');
    expect(summary(apiRequests(fake))).toEqual(['POST /v1/instances 202']);
    expect(fake.instances.map((i) => i.tenantId)).toEqual(['tenant-a']);
  });
});
