import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, createBody, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
const limited = createAuraMock({ clock, baseUrl: 'https://limited.test', instanceLimit: 2 });
serveWithMsw(aura, limited);
const api = apiOf(aura.baseUrl);

async function createWith(overrides: Record<string, unknown>) {
  const token = await api.token();
  return api.call('POST', '/instances', { token, body: createBody(overrides) });
}

const fieldOf = (body: unknown) => (body as { errors: { field?: string }[] }).errors[0]?.field;

describe('instance name rule', () => {
  it.each([
    ['empty', ''],
    ['31 characters', 'a'.repeat(31)],
    ['leading white space', ' user'],
    ['trailing white space', 'user\t'],
  ])('refuses a name that is %s with 400 naming the field', async (_, name) => {
    const answer = await createWith({ name });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [{ message: expect.any(String), reason: 'invalid-request', field: 'name' }],
    });
  });

  it('accepts 30 characters, counted as characters not bytes', async () => {
    expect((await createWith({ name: 'a'.repeat(30) })).status).toBe(202);
    expect((await createWith({ name: 'é'.repeat(30) })).status).toBe(202);
  });
});

describe('create body validation', () => {
  it.each(['version', 'region', 'memory', 'name', 'type', 'tenant_id', 'cloud_provider'])(
    'refuses a body without %s',
    async (field) => {
      const body = createBody();
      delete body[field];
      const token = await api.token();
      const answer = await api.call('POST', '/instances', { token, body });
      expect(answer.status).toBe(400);
      expect(fieldOf(answer.body)).toBe(field);
    },
  );

  it('refuses an unknown cloud provider and an unknown type', async () => {
    expect(fieldOf((await createWith({ cloud_provider: 'ibm' })).body)).toBe('cloud_provider');
    expect(fieldOf((await createWith({ type: 'huge-db' })).body)).toBe('type');
  });

  it('refuses an unknown tenant with tenant-not-found', async () => {
    const answer = await createWith({ tenant_id: 'nobody' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ reason: 'tenant-not-found' }] });
  });

  it('refuses a configuration the tenant does not offer, naming the field', async () => {
    expect(fieldOf((await createWith({ memory: '64GB' })).body)).toBe('memory');
    expect(fieldOf((await createWith({ region: 'mars-north1' })).body)).toBe('region');
    expect(fieldOf((await createWith({ cloud_provider: 'azure' })).body)).toBe('cloud_provider');
    expect(fieldOf((await createWith({ version: '4' })).body)).toBe('version');
  });

  it('takes the storage from the matching configuration', async () => {
    await createWith({ memory: '4GB', cloud_provider: 'aws', region: 'us-east-1' });
    expect(aura.instances[0]).toMatchObject({
      memory: '4GB',
      storage: '8GB',
      cloudProvider: 'aws',
    });
  });

  it('refuses flags that are not booleans', async () => {
    expect(fieldOf((await createWith({ vector_optimized: 'yes' })).body)).toBe('vector_optimized');
  });

  it('answers 415 without Content-Type application/json', async () => {
    const token = await api.token();
    const answer = await api.call('POST', '/instances', {
      token,
      body: createBody(),
      contentType: 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect(aura.instances).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const token = await api.token();
    const response = await fetch(`${aura.baseUrl}/v1/instances`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
  });
});

describe('instance limit', () => {
  const limitedApi = apiOf(limited.baseUrl);

  it('answers 405 for a create beyond the limit of live instances', async () => {
    const token = await limitedApi.token();
    const create = (name: string) =>
      limitedApi.call('POST', '/instances', { token, body: createBody({ name }) });
    expect((await create('one')).status).toBe(202);
    expect((await create('two')).status).toBe(202);
    const third = await create('three');
    expect(third.status).toBe(405);
    expect(third.body).toMatchObject({ errors: [{ reason: 'instance-limit-reached' }] });
    expect(limited.instances).toHaveLength(2);
  });

  it('counts seeded instances and frees the slot once a deleted one is gone', async () => {
    limited.addInstance({ name: 'orphan-1' });
    const { id } = limited.addInstance({ name: 'orphan-2' });
    const token = await limitedApi.token();
    const create = () => limitedApi.call('POST', '/instances', { token, body: createBody() });
    expect((await create()).status).toBe(405);
    expect((await limitedApi.call('DELETE', `/instances/${id}`, { token })).status).toBe(202);
    expect((await create()).status).toBe(405);
    await clock.advance(10_000);
    expect((await create()).status).toBe(202);
  });
});
