import { describe, expect, it } from 'vitest';
import { createdInstanceWire, instanceWire, tokenWire } from '../../../src/aura/schemas.js';
import { Secret } from '../../../src/aura/secret.js';

const wireInstance = {
  id: 'a1b2c3d4',
  name: 'user-42',
  status: 'running',
  connection_url: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
  tenant_id: 'tenant-1',
  cloud_provider: 'gcp',
  region: 'europe-west1',
  type: 'professional-db',
  memory: '1GB',
  storage: '2GB',
};

describe('instanceWire', () => {
  it('accepts a documented instance', () => {
    expect(instanceWire.parse(wireInstance)).toEqual(wireInstance);
  });

  it('keeps fields it does not know', () => {
    const parsed = instanceWire.parse({
      ...wireInstance,
      secondaries_count: 2,
      cdc_enrichment_mode: 'OFF',
    });
    expect(parsed).toMatchObject({ secondaries_count: 2, cdc_enrichment_mode: 'OFF' });
  });

  it('accepts a status newer than this SDK', () => {
    expect(instanceWire.parse({ ...wireInstance, status: 'migrating' }).status).toBe('migrating');
  });

  it.each([
    [1234, 1234],
    ['1234', 1234],
    ['0', 0],
  ])('reads graph_nodes %j as the number %i', (input, expected) => {
    const parsed = instanceWire.parse({
      ...wireInstance,
      graph_nodes: input,
      graph_relationships: input,
    });
    expect(parsed.graph_nodes).toBe(expected);
    expect(parsed.graph_relationships).toBe(expected);
  });

  it.each(['12a', '1.5', '', '-3'])('rejects graph_nodes %j', (input) => {
    expect(instanceWire.safeParse({ ...wireInstance, graph_nodes: input }).success).toBe(false);
  });

  it('accepts an instance without storage or graph counts', () => {
    const { storage: _, ...withoutStorage } = wireInstance;
    const parsed = instanceWire.parse(withoutStorage);
    expect(parsed.storage).toBeUndefined();
    expect(parsed.graph_nodes).toBeUndefined();
  });

  it('rejects an instance without an id, naming the path', () => {
    const { id: _, ...withoutId } = wireInstance;
    const result = instanceWire.safeParse(withoutId);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['id']]);
  });
});

describe('createdInstanceWire', () => {
  const created = {
    id: 'a1b2c3d4',
    connection_url: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
    username: 'neo4j',
    password: 'p4ssw0rd-from-aura',
    tenant_id: 'tenant-1',
    cloud_provider: 'gcp',
    region: 'europe-west1',
    type: 'professional-db',
    name: 'user-42',
  };

  it('wraps the password in a Secret', () => {
    const parsed = createdInstanceWire.parse(created);
    expect(parsed.password).toBeInstanceOf(Secret);
    expect(parsed.password.reveal()).toBe('p4ssw0rd-from-aura');
    expect(JSON.stringify(parsed)).not.toContain('p4ssw0rd-from-aura');
  });

  it('rejects an answer without a password', () => {
    const { password: _, ...withoutPassword } = created;
    const result = createdInstanceWire.safeParse(withoutPassword);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['password']]);
  });
});

describe('tokenWire', () => {
  it('accepts a bearer token whatever the case of its type', () => {
    const token = { access_token: 'eyJ', expires_in: 3600, token_type: 'Bearer' };
    expect(tokenWire.safeParse(token).success).toBe(true);
    expect(tokenWire.safeParse({ ...token, token_type: 'bearer' }).success).toBe(true);
  });

  it.each([
    ['an empty token', { access_token: '', expires_in: 3600, token_type: 'bearer' }],
    ['a zero lifetime', { access_token: 'eyJ', expires_in: 0, token_type: 'bearer' }],
    ['another token type', { access_token: 'eyJ', expires_in: 3600, token_type: 'mac' }],
  ])('rejects %s', (_, token) => {
    expect(tokenWire.safeParse(token).success).toBe(false);
  });
});
