import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AuraInvalidResponseError,
  type InstanceStatus,
  type WaitProgress,
} from '../../../src/aura/index.js';
import type { InstanceStatus as MockInstanceStatus } from '../../../src/testing/index.js';
import { apiRequests, rejectionOf, TENANT_ID, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

/** A status newer than this SDK (the fake's type only knows the documented ones). */
const MIGRATING = 'migrating' as MockInstanceStatus;

describe('lenient responses', () => {
  it('keep an unknown instance status as a string', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'moving' });
    fake.setInstanceStatus(id, MIGRATING);
    const instance = await run(aura.instances.get(id));
    expect(instance.status).toBe('migrating');
  });

  it('treat an unknown status as not terminal while waiting', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'moving' });
    fake.setInstanceStatus(id, MIGRATING);
    const seen: InstanceStatus[] = [];
    const onProgress = ({ status }: WaitProgress) => {
      seen.push(status);
      if (seen.length === 3) fake.setInstanceStatus(id, 'running');
    };
    const instance = await run(aura.instances.waitUntilRunning(id, { onProgress }));
    expect(instance.status).toBe('running');
    expect(seen).toEqual(['migrating', 'migrating', 'migrating', 'running']);
  });

  it('accept graph counts as numbers or as numeric strings', async () => {
    const { aura, fake, run } = setup();
    server.use(
      http.get(`${fake.baseUrl}/v1/instances/:id`, ({ params }) =>
        HttpResponse.json({
          data: {
            id: String(params.id),
            name: 'counted',
            status: 'running',
            tenant_id: TENANT_ID,
            cloud_provider: 'gcp',
            region: 'europe-west1',
            type: 'professional-db',
            memory: '1GB',
            graph_nodes: 42,
            graph_relationships: '7',
          },
        }),
      ),
    );
    const instance = await run(aura.instances.get('0a1b2c3d'));
    expect(instance.graphNodes).toBe(42);
    expect(instance.graphRelationships).toBe(7);
  });
});

describe('a body that breaks the contract', () => {
  it('gives AuraInvalidResponseError naming the field, without retrying', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'broken' });
    fake.faults.malformedNext(1, { variant: 'wrong-shape' });
    const error = await rejectionOf(run(aura.instances.get(id)));
    expect(error).toBeInstanceOf(AuraInvalidResponseError);
    const paths = (error as AuraInvalidResponseError).issues.map((issue) => issue.path);
    expect(paths).toContain('data.id');
    expect(error.message).toContain('data.id');
    expect(apiRequests(fake)).toHaveLength(1);
  });

  it('gives AuraInvalidResponseError for a body that is not JSON', async () => {
    const { aura, fake, run } = setup();
    fake.faults.malformedNext(1, { variant: 'not-json' });
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error).toBeInstanceOf(AuraInvalidResponseError);
    expect((error as AuraInvalidResponseError).issues).toEqual([
      { path: '', message: 'not valid JSON' },
    ]);
    expect((error as AuraInvalidResponseError).requestId).toBe(apiRequests(fake)[0]?.requestId);
  });

  it('gives AuraInvalidResponseError when a required field is missing', async () => {
    const { aura, fake, run } = setup();
    server.use(
      http.get(`${fake.baseUrl}/v1/tenants`, () => HttpResponse.json({ data: [{ id: 'x' }] })),
    );
    const error = await rejectionOf(run(aura.tenants.list()));
    expect((error as AuraInvalidResponseError).issues.map((issue) => issue.path)).toEqual([
      'data.0.name',
    ]);
  });
});

describe('instances.update answers', () => {
  it('a 200 with the instance: resolves it', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'resized' });
    expect(await run(aura.instances.update(id, { memory: '2GB' }))).toMatchObject({ id });
  });

  it('a 202 with an empty object: resolves undefined', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'resized' });
    server.use(
      http.patch(`${fake.baseUrl}/v1/instances/:id`, () => HttpResponse.json({}, { status: 202 })),
    );
    expect(await run(aura.instances.update(id, { memory: '2GB' }))).toBeUndefined();
  });

  it('a 200 with a broken instance: AuraInvalidResponseError naming the field', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'resized' });
    fake.faults.malformedNext(1, { variant: 'wrong-shape', match: { method: 'PATCH' } });
    const error = await rejectionOf(run(aura.instances.update(id, { memory: '2GB' })));
    expect(error).toBeInstanceOf(AuraInvalidResponseError);
    expect((error as AuraInvalidResponseError).issues.map((issue) => issue.path)).toContain(
      'data.id',
    );
  });
});
