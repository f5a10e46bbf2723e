import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, createBody, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({
  clock,
  notFoundAfterCreateMs: 20_000,
  failCreation: (spec) => spec.name.startsWith('doomed'),
});
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

async function create(token: string, overrides: Record<string, unknown> = {}) {
  const answer = await api.call('POST', '/instances', { token, body: createBody(overrides) });
  expect(answer.status).toBe(202);
  return (answer.body as { data: { id: string; password: string } }).data;
}

describe('creating an instance', () => {
  it('answers 202 with the id, connection URL and initial credentials', async () => {
    const token = await api.token();
    const answer = await api.call('POST', '/instances', { token, body: createBody() });
    expect(answer.status).toBe(202);
    const data = (answer.body as { data: Record<string, unknown> }).data;
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      connection_url: `neo4j+s://${data.id}.databases.neo4j.io`,
      username: 'neo4j',
      password: expect.stringMatching(/^[\w-]{43}$/),
      tenant_id: 'tenant-1',
      cloud_provider: 'gcp',
      region: 'europe-west1',
      type: 'professional-db',
      name: 'user-1',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      vector_optimized: false,
      graph_analytics_plugin: false,
    });
  });

  it('answers 404 during the propagation window, then creating, then running', async () => {
    const token = await api.token();
    const { id } = await create(token);
    const get = () => api.call('GET', `/instances/${id}`, { token });

    const early = await get();
    expect(early.status).toBe(404);
    expect(early.body).toEqual({
      errors: [{ message: `DB not found: ${id}`, reason: 'db-not-found' }],
    });

    await clock.advance(20_000);
    const creating = await get();
    expect(creating.status).toBe(200);
    expect(creating.body).toMatchObject({ data: { id, status: 'creating', memory: '1GB' } });

    await clock.advance(69_999);
    expect(await get()).toMatchObject({ body: { data: { status: 'creating' } } });
    await clock.advance(1);
    expect(await get()).toMatchObject({ body: { data: { status: 'running', storage: '2GB' } } });
  });

  it('never sends the password after the create answer', async () => {
    const token = await api.token();
    const { id, password } = await create(token);
    await clock.advance(20_000);
    const answer = await api.call('GET', `/instances/${id}`, { token });
    expect(answer.text).not.toContain(password);
    expect(answer.body).not.toHaveProperty('data.password');
    expect(aura.instance(id)?.password).toBe(password);
  });

  it('ends in loading failed when failCreation says so', async () => {
    const token = await api.token();
    const { id } = await create(token, { name: 'doomed-1' });
    await clock.advance(90_000);
    const answer = await api.call('GET', `/instances/${id}`, { token });
    expect(answer.body).toMatchObject({ data: { status: 'loading failed' } });
  });

  it('takes the creation time per spec when creationTimeMs is a function', async () => {
    const timed = createAuraMock({
      clock,
      creationTimeMs: (spec) => (spec.type === 'free-db' ? 10_000 : 300_000),
    });
    timed.addInstance({ name: 'seed', status: 'creating', type: 'free-db', memory: '1GB' });
    timed.addInstance({ name: 'slow', status: 'creating' });
    await clock.advance(10_000);
    expect(timed.instances.map((i) => [i.name, i.status])).toEqual([
      ['seed', 'running'],
      ['slow', 'creating'],
    ]);
  });
});

describe('listing instances', () => {
  it('lists summaries without status, filtered by tenantId', async () => {
    const token = await api.token();
    const { id } = await create(token);
    const answer = await api.call('GET', '/instances?tenantId=tenant-1', { token });
    expect(answer.body).toEqual({
      data: [
        {
          id,
          name: 'user-1',
          tenant_id: 'tenant-1',
          cloud_provider: 'gcp',
          created_at: expect.any(String),
        },
      ],
    });
    const other = await api.call('GET', '/instances?tenantId=someone-else', { token });
    expect(other.body).toEqual({ data: [] });
  });

  it('includes instances still inside the 404 window', async () => {
    const token = await api.token();
    const { id } = await create(token);
    const answer = await api.call('GET', '/instances', { token });
    expect(answer.body).toMatchObject({ data: [{ id }] });
  });
});

describe('seeding and forcing status', () => {
  it('serves a seeded orphan at once, listed and readable', async () => {
    const token = await api.token();
    const orphan = aura.addInstance({ name: 'orphan', id: 'abcdef01' });
    expect(orphan).toMatchObject({ id: 'abcdef01', status: 'running', tenantId: 'tenant-1' });
    const answer = await api.call('GET', '/instances/abcdef01', { token });
    expect(answer.body).toMatchObject({ data: { name: 'orphan', status: 'running' } });
  });

  it('refuses to seed an id that exists', () => {
    aura.addInstance({ name: 'a', id: '00000001' });
    expect(() => aura.addInstance({ name: 'b', id: '00000001' })).toThrow(/exists/);
  });

  it('holds a forced status until a request changes it', async () => {
    const { id } = aura.addInstance({ name: 'broken' });
    aura.setInstanceStatus(id, 'loading failed');
    await clock.advance(3_600_000);
    const token = await api.token();
    const answer = await api.call('GET', `/instances/${id}`, { token });
    expect(answer.body).toMatchObject({ data: { status: 'loading failed' } });
    expect(() => aura.setInstanceStatus('nope', 'running')).toThrow(/no instance/);
  });

  it('forgets every instance on reset()', () => {
    aura.addInstance({ name: 'x' });
    aura.reset();
    expect(aura.instances).toEqual([]);
  });
});
