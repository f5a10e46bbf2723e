import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/aura/index.js';
import { apiRequests, INSTANCE_SPEC, summary, TENANT_ID, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

/** A fake whose creates run at once, so instance actions can follow directly. */
const ready = () => setup({ fake: { creationTimeMs: 0 } });

describe('tenants', () => {
  it('lists the tenants', async () => {
    const { aura, run } = setup();
    expect(await run(aura.tenants.list())).toEqual([{ id: TENANT_ID, name: 'Test tenant' }]);
  });

  it('gets the default tenant with its instance configurations, camelCase', async () => {
    const { aura, fake, run } = setup();
    const tenant = await run(aura.tenants.get());
    expect(summary(apiRequests(fake))).toEqual([`GET /v1/tenants/${TENANT_ID} 200`]);
    expect(tenant.id).toBe(TENANT_ID);
    expect(tenant.instanceConfigurations).toHaveLength(8);
    expect(tenant.instanceConfigurations[0]).toEqual({
      cloudProvider: 'gcp',
      region: 'europe-west1',
      regionName: 'Belgium (europe-west1)',
      type: 'professional-db',
      memory: '1GB',
      storage: '2GB',
      version: '5',
    });
  });
});

describe('instances', () => {
  it('creates with a snake_case body and answers camelCase, the password a Secret', async () => {
    const { aura, fake, run } = setup();
    const created = await run(aura.instances.create({ ...INSTANCE_SPEC, vectorOptimized: true }));
    const [request] = apiRequests(fake);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/instances', status: 202 });
    expect(request?.body).toEqual({
      name: 'user-1',
      type: 'professional-db',
      memory: '1GB',
      region: 'europe-west1',
      cloud_provider: 'gcp',
      tenant_id: TENANT_ID,
      version: '5',
      vector_optimized: true,
    });
    expect(created).toMatchObject({
      name: 'user-1',
      connectionUrl: `neo4j+s://${created.id}.databases.neo4j.io`,
      username: 'neo4j',
      tenantId: TENANT_ID,
      cloudProvider: 'gcp',
      region: 'europe-west1',
      type: 'professional-db',
    });
    expect(created.password).toBeInstanceOf(Secret);
    expect(created.password.reveal()).toBe(fake.instance(created.id)?.password);
  });

  it('lists the instances of the default tenant, camelCase', async () => {
    const { aura, fake, run } = setup();
    const seeded = fake.addInstance({ name: 'listed' });
    const list = await run(aura.instances.list());
    expect(apiRequests(fake)[0]?.query).toEqual({ tenantId: TENANT_ID });
    expect(list).toEqual([
      {
        id: seeded.id,
        name: 'listed',
        tenantId: TENANT_ID,
        cloudProvider: 'gcp',
        createdAt: seeded.createdAt,
      },
    ]);
  });

  it('finds instances by exact name', async () => {
    const { aura, fake, run } = setup();
    const wanted = fake.addInstance({ name: 'user-2' });
    fake.addInstance({ name: 'user-20' });
    const found = await run(aura.instances.findByName('user-2'));
    expect(found.map((instance) => instance.id)).toEqual([wanted.id]);
  });

  it('gets an instance with its status, camelCase', async () => {
    const { aura, fake, run } = setup();
    const seeded = fake.addInstance({ name: 'got', status: 'running' });
    const instance = await run(aura.instances.get(seeded.id));
    expect(instance).toMatchObject({
      id: seeded.id,
      name: 'got',
      status: 'running',
      connectionUrl: seeded.connectionUrl,
      tenantId: TENANT_ID,
      cloudProvider: 'gcp',
      memory: '1GB',
      storage: '2GB',
      createdAt: seeded.createdAt,
    });
  });

  it('passes unknown fields through, renamed to camelCase', async () => {
    const { aura, fake, run } = setup();
    const seeded = fake.addInstance({ name: 'future' });
    server.use(
      http.get(`${fake.baseUrl}/v1/instances/:id`, () =>
        HttpResponse.json({
          data: {
            id: seeded.id,
            name: 'future',
            status: 'running',
            tenant_id: TENANT_ID,
            cloud_provider: 'gcp',
            region: 'europe-west1',
            type: 'professional-db',
            memory: '1GB',
            disk_encryption: { key_source: 'customer_managed' },
          },
        }),
      ),
    );
    const instance = await run(aura.instances.get(seeded.id));
    expect((instance as Record<string, unknown>).diskEncryption).toEqual({
      keySource: 'customer_managed',
    });
  });

  it('deletes an instance', async () => {
    const { aura, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'doomed' });
    await run(aura.instances.delete(id));
    expect(summary(apiRequests(fake))).toEqual([`DELETE /v1/instances/${id} 202`]);
    expect(fake.instance(id)?.status).toBe('destroying');
  });

  it('pauses and resumes an instance', async () => {
    const { aura, clock, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'sleepy' });
    expect((await run(aura.instances.pause(id))).status).toBe('pausing');
    await clock.advance(30_000);
    expect(fake.instance(id)?.status).toBe('paused');
    expect((await run(aura.instances.resume(id))).status).toBe('resuming');
    expect(summary(apiRequests(fake))).toEqual([
      `POST /v1/instances/${id}/pause 202`,
      `POST /v1/instances/${id}/resume 202`,
    ]);
  });

  it('updates an instance with a snake_case body', async () => {
    const { aura, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'growing' });
    const updated = await run(aura.instances.update(id, { memory: '2GB', vectorOptimized: true }));
    expect(apiRequests(fake)[0]?.body).toEqual({ memory: '2GB', vector_optimized: true });
    expect(updated).toMatchObject({ id, memory: '2GB', status: 'updating' });
    expect(updated?.vectorOptimized).toBe(true);
  });
});

describe('snapshots', () => {
  it('takes a snapshot and reads it back, camelCase', async () => {
    const { aura, clock, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'backed-up' });
    const { snapshotId } = await run(aura.snapshots.create(id));
    await clock.advance(30_000);
    const snapshot = await run(aura.snapshots.get(id, snapshotId));
    expect(snapshot).toMatchObject({
      instanceId: id,
      snapshotId,
      profile: 'AdHoc',
      status: 'Completed',
      exportable: true,
    });
  });

  it('lists the snapshots of a day', async () => {
    const { aura, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'backed-up' });
    const { snapshotId } = await run(aura.snapshots.create(id));
    const today = await run(aura.snapshots.list(id, { date: '2026-01-01' }));
    const otherDay = await run(aura.snapshots.list(id, { date: '2025-12-31' }));
    expect(today.map((s) => s.snapshotId)).toEqual([snapshotId]);
    expect(otherDay).toEqual([]);
    expect(apiRequests(fake)[1]?.query).toEqual({ date: '2026-01-01' });
  });

  it('restores an instance from a snapshot', async () => {
    const { aura, clock, fake, run } = ready();
    const { id } = fake.addInstance({ name: 'rewound' });
    const { snapshotId } = await run(aura.snapshots.create(id));
    await clock.advance(30_000);
    const instance = await run(aura.snapshots.restore(id, snapshotId));
    expect(instance).toMatchObject({ id, status: 'restoring' });
    expect(apiRequests(fake).at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/instances/${id}/snapshots/${snapshotId}/restore`,
      status: 202,
    });
  });
});
