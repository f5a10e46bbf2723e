import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
const custom = createAuraMock({
  clock,
  baseUrl: 'https://custom.test',
  tenants: [
    {
      id: 'acme',
      name: 'Acme',
      instanceConfigurations: [
        {
          cloudProvider: 'azure',
          region: 'westeurope',
          regionName: 'Netherlands (westeurope)',
          type: 'business-critical',
          memory: '8GB',
          storage: '16GB',
          version: '5',
        },
      ],
    },
    { id: 'plain', name: 'Plain' },
  ],
});
serveWithMsw(aura, custom);

describe('tenants', () => {
  it('lists the default tenant', async () => {
    const api = apiOf(aura.baseUrl);
    const answer = await api.call('GET', '/tenants', { token: await api.token() });
    expect(answer.body).toEqual({ data: [{ id: 'tenant-1', name: 'Test tenant' }] });
  });

  it('details a tenant with its instance configurations in wire format', async () => {
    const api = apiOf(aura.baseUrl);
    const answer = await api.call('GET', '/tenants/tenant-1', { token: await api.token() });
    const data = (answer.body as { data: { instance_configurations: unknown[] } }).data;
    expect(data.instance_configurations).toContainEqual({
      region: 'europe-west1',
      region_name: 'Belgium (europe-west1)',
      type: 'professional-db',
      memory: '2GB',
      storage: '4GB',
      version: '5',
      cloud_provider: 'gcp',
    });
    expect(data.instance_configurations).toContainEqual(
      expect.objectContaining({ type: 'free-db', cloud_provider: 'aws', region: 'us-east-1' }),
    );
  });

  it('answers 404 tenant-not-found for an unknown tenant', async () => {
    const api = apiOf(aura.baseUrl);
    const answer = await api.call('GET', '/tenants/nobody', { token: await api.token() });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      errors: [{ message: expect.any(String), reason: 'tenant-not-found' }],
    });
  });

  it('serves configured tenants; one without configurations offers the defaults', async () => {
    const api = apiOf(custom.baseUrl);
    const token = await api.token();
    expect((await api.call('GET', '/tenants', { token })).body).toEqual({
      data: [
        { id: 'acme', name: 'Acme' },
        { id: 'plain', name: 'Plain' },
      ],
    });
    const acme = await api.call('GET', '/tenants/acme', { token });
    expect(acme.body).toMatchObject({
      data: { instance_configurations: [{ cloud_provider: 'azure', memory: '8GB' }] },
    });
    const plain = await api.call('GET', '/tenants/plain', { token });
    const configs = (plain.body as { data: { instance_configurations: unknown[] } }).data;
    expect(configs.instance_configurations).toHaveLength(8);
  });
});
