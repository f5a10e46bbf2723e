import { describe, expect, it } from 'vitest';
import { validateRequest, validateResponse } from './openapi.js';

const instance = {
  id: '2f49c2b3',
  name: 'Production',
  status: 'running',
  tenant_id: 'tenant-1',
  cloud_provider: 'gcp',
  connection_url: 'neo4j+s://2f49c2b3.databases.neo4j.io',
  region: 'europe-west1',
  type: 'professional-db',
  memory: '8GB',
  storage: '16GB',
  created_at: '2023-01-20T13:44:42Z',
};

const get = (body: unknown, status = 200) =>
  validateResponse({ method: 'GET', path: '/instances/2f49c2b3', status, body });

describe('validateResponse', () => {
  it('accepts a body that fits the spec', () => {
    expect(get({ data: instance })).toEqual({ ok: true });
  });

  it('rejects a missing required field, naming it', () => {
    const { status: _, ...withoutStatus } = instance;
    const result = get({ data: withoutStatus });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('status');
  });

  it('rejects a wrong type, a value outside an enum, and a missing data wrapper', () => {
    expect(get({ data: { ...instance, memory: 8 } }).ok).toBe(false);
    expect(get({ data: { ...instance, status: 'exploded' } }).ok).toBe(false);
    expect(get(instance).ok).toBe(false);
  });

  it('holds the spec to its word: graph_nodes must be a string', () => {
    expect(get({ data: { ...instance, graph_nodes: 12 } }).ok).toBe(false);
    expect(get({ data: { ...instance, graph_nodes: '12' } }).ok).toBe(true);
  });

  it('follows $ref to shared responses: an error without a reason fails', () => {
    expect(get({ errors: [{ message: 'DB not found', reason: 'db-not-found' }] }, 404)).toEqual({
      ok: true,
    });
    expect(get({ errors: [{ message: 'DB not found' }] }, 404).ok).toBe(false);
  });

  it('applies oneOf strictly: the middleware shape passes on 401, the overlapping Error shape does not', () => {
    expect(get({ error: 'Unauthorized' }, 401)).toEqual({ ok: true });
    // MiddlewareError requires nothing, so an Error body matches both branches of the oneOf.
    expect(get({ errors: [{ message: 'x', reason: 'y' }] }, 401).ok).toBe(false);
  });

  it('rejects a status the operation does not list, and an unknown operation', () => {
    expect(get({}, 418)).toEqual({ ok: false, errors: [expect.stringContaining('418')] });
    expect(validateResponse({ method: 'GET', path: '/nowhere', status: 200, body: {} }).ok).toBe(
      false,
    );
    expect(validateResponse({ method: 'PUT', path: '/tenants', status: 200, body: {} }).ok).toBe(
      false,
    );
  });

  it('matches a literal path before a template, and ignores the query string', () => {
    const sizing = { data: { did_exceed_maximum: false, min_required_memory: '1GB' } };
    expect(
      validateResponse({ method: 'POST', path: '/instances/sizing', status: 200, body: sizing }).ok,
    ).toBe(false);
    expect(
      validateResponse({
        method: 'GET',
        path: '/instances?tenantId=t',
        status: 200,
        body: { data: [] },
      }),
    ).toEqual({ ok: true });
  });
});

describe('validateRequest', () => {
  const create = {
    version: '5',
    region: 'europe-west1',
    memory: '1GB',
    name: 'user-1',
    type: 'professional-db',
    tenant_id: 'tenant-1',
    cloud_provider: 'gcp',
  };

  it('accepts a complete create body', () => {
    expect(validateRequest({ method: 'POST', path: '/instances', body: create })).toEqual({
      ok: true,
    });
  });

  it('rejects a create body without a required field or with a 31-character name', () => {
    const { memory: _, ...withoutMemory } = create;
    const missing = validateRequest({ method: 'POST', path: '/instances', body: withoutMemory });
    expect(missing.ok).toBe(false);
    expect(JSON.stringify(missing)).toContain('memory');
    const long = { ...create, name: 'a'.repeat(31) };
    expect(validateRequest({ method: 'POST', path: '/instances', body: long }).ok).toBe(false);
  });

  it('rejects a bad PATCH body and a body sent to an operation without one', () => {
    const patch = { method: 'PATCH', path: '/instances/2f49c2b3' };
    expect(validateRequest({ ...patch, body: { name: '' } }).ok).toBe(false);
    expect(validateRequest({ ...patch, body: { name: 'ok' } }).ok).toBe(true);
    expect(validateRequest({ method: 'GET', path: '/instances', body: { a: 1 } }).ok).toBe(false);
    expect(validateRequest({ method: 'GET', path: '/instances', body: undefined }).ok).toBe(true);
  });
});
