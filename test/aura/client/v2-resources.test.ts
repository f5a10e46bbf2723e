import { describe, expect, it } from 'vitest';
import { AuraCreateOutcomeUnknownError, AuraV2, Secret } from '../../../src/aura/index.js';
import type { RecordedRequest } from '../../../src/testing/index.js';
import { INSTANCE_SPEC, rejectionOf, summary, tokenRequests, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const PROJECT = '/v2beta1/organizations/org-1/projects/tenant-1';
const SHARED = {
  name: 'shared-1',
  type: 'business-critical',
  memory: '4GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
  multiDatabase: true,
} as const;

const v2Requests = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.path.startsWith('/v2beta1/'));

describe('AuraV2: organizations, projects and project instances (v2beta1)', () => {
  it('lists and gets organizations and their projects', async () => {
    const { aura, run } = setup();
    const v2 = new AuraV2(aura);
    expect(await run(v2.organizations.list())).toEqual([
      { id: 'org-1', name: 'Test organization' },
    ]);
    expect((await run(v2.organizations.get('org-1'))).name).toBe('Test organization');
    expect(await run(v2.projects.list('org-1'))).toEqual([{ id: 'tenant-1', name: 'Test tenant' }]);
    expect((await run(v2.projects.get('org-1', 'tenant-1'))).id).toBe('tenant-1');
  });

  it('creates a multi-database instance with exactly the documented body; the password is a Secret', async () => {
    const { aura, fake, run } = setup();
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const created = await run(project.instances.create(SHARED));
    expect(created.password).toBeInstanceOf(Secret);
    expect(created.password.reveal()).toBe(fake.instances[0]?.password);
    expect(created.multiDatabase).toBe(true);
    expect(created.defaultDatabaseId).toBe(fake.databases(created.id)[0]?.id);
    expect(JSON.stringify(created)).not.toContain(created.password.reveal());
    const [request] = v2Requests(fake.requests);
    expect(request?.body).toEqual({
      name: 'shared-1',
      type: 'business-critical',
      memory: '4GB',
      region: 'europe-west1',
      cloud_provider: 'gcp',
      multi_database: true,
    });
  });

  it('reads the status from legacy_status (get) and status (list)', async () => {
    const { aura, clock, run } = setup();
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const created = await run(project.instances.create(SHARED));
    expect((await run(project.instances.get(created.id))).status).toBe('creating');
    await clock.advance(90_000);
    expect((await run(project.instances.get(created.id))).status).toBe('running');
    expect((await run(project.instances.list())).map((i) => i.status)).toEqual(['running']);
  });

  it('follows links.next across pages: list returns them all, pages yields each', async () => {
    const { aura, fake, run } = setup();
    for (let i = 0; i < 5; i++) fake.addInstance({ name: `user-${i}` });
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const all = await run(project.instances.list({ pageLimit: 2 }));
    expect(all.map((i) => i.name)).toEqual(['user-0', 'user-1', 'user-2', 'user-3', 'user-4']);
    const sizes: number[] = [];
    for await (const page of project.instances.pages({ pageLimit: 2 })) sizes.push(page.length);
    expect(sizes).toEqual([2, 2, 1]);
    const listCalls = v2Requests(fake.requests).filter((r) => r.path === `${PROJECT}/instances`);
    expect(listCalls).toHaveLength(6);
    expect(listCalls[1]?.query).toEqual({ page_limit: '2', page_token: expect.any(String) });
  });

  it('findByName searches every page', async () => {
    const { aura, fake, run } = setup();
    for (let i = 0; i < 5; i++) fake.addInstance({ name: `user-${i}` });
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const found = await run(project.instances.findByName('user-4', { pageLimit: 2 }));
    expect(found.map((i) => i.id)).toEqual([fake.instances[4]?.id]);
  });

  it('does not retry a create that answered 503: AuraCreateOutcomeUnknownError with the name', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 503, match: { method: 'POST' } });
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const error = await rejectionOf(run(project.instances.create(SHARED)));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    expect((error as AuraCreateOutcomeUnknownError).instanceName).toBe('shared-1');
    expect((error as AuraCreateOutcomeUnknownError).tenantId).toBe('tenant-1');
    expect(summary(v2Requests(fake.requests))).toEqual([`POST ${PROJECT}/instances 503`]);
  });

  it('shares one token and one rate limiter between v1 and v2beta1 calls', async () => {
    const { aura, fake, run } = setup({ client: { rateLimit: { limit: 3, windowMs: 60_000 } } });
    const v2 = new AuraV2(aura);
    const started = Date.now();
    await run(aura.tenants.list());
    await run(v2.organizations.list());
    await run(aura.instances.list());
    await run(v2.projects.list('org-1'));
    expect(tokenRequests(fake)).toHaveLength(1);
    // The fourth call waited for the client's shared window: 3 per minute across versions.
    const [first, , , fourth] = fake.requests.filter((r) => r.path !== '/oauth/token');
    expect((fourth?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(60_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('deletes an instance: destroying, then gone', async () => {
    const { aura, clock, fake, run } = setup();
    const project = new AuraV2(aura).project('org-1', 'tenant-1');
    const created = await run(project.instances.create({ ...SHARED, name: INSTANCE_SPEC.name }));
    await clock.advance(90_000);
    await run(project.instances.delete(created.id));
    expect(fake.instance(created.id)?.status).toBe('destroying');
    await clock.advance(10_000);
    expect(await run(project.instances.list())).toEqual([]);
  });
});
