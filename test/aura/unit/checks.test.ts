import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  arrayOf,
  boolean,
  httpUrl,
  integer,
  number,
  oneOf,
  optional,
} from '../../../src/aura/checks.js';
import { AuraClient, AuraConfigurationError } from '../../../src/aura/index.js';
import { toIssues } from '../../../src/aura/issues.js';
import { checkInput, createInstanceInput } from '../../../src/aura/requests.js';
import { createdInstanceWire, instanceWire } from '../../../src/aura/schemas.js';
import { Secret } from '../../../src/aura/secret.js';

const CREDENTIALS = { clientId: 'id', clientSecret: 'secret' };

/** The issues `new AuraClient(options)` refuses, as `path: message`. */
function refusalOf(options: Record<string, unknown>): string[] {
  try {
    new AuraClient({ ...CREDENTIALS, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(AuraConfigurationError);
    return (error as AuraConfigurationError).issues.map(
      (issue) => `${issue.path}: ${issue.message}`,
    );
  }
  throw new Error('expected the options to be refused');
}

describe('checks that stand in for zod built-ins', () => {
  it('httpUrl accepts http(s) URLs only', () => {
    expect(httpUrl().safeParse('https://api.neo4j.io').success).toBe(true);
    expect(httpUrl().safeParse(' http://localhost:8080 ').success).toBe(true);
    for (const url of ['ftp://api.neo4j.io', 'api.neo4j.io', 'https://', 'https://exa mple.com']) {
      expect(httpUrl().safeParse(url).success).toBe(false);
    }
  });

  it('integer refuses fractions and unsafe integers', () => {
    expect(integer().safeParse(3).success).toBe(true);
    expect(integer().safeParse(1.5).success).toBe(false);
    expect(integer().safeParse(2 ** 53).success).toBe(false);
  });

  it('number and boolean take only their type, said as for z.number and z.boolean', () => {
    const said = (schema: z.ZodMiniType, value: unknown) => {
      const result = schema.safeParse(value);
      return result.success ? [] : toIssues(result.error).map((issue) => issue.message);
    };
    expect(said(number(), 1.5)).toEqual([]);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '1', undefined]) {
      expect(said(number(), value)).toEqual(['expected number']);
    }
    expect(said(integer(), '1')).toEqual(['expected number']);
    expect(said(boolean(), false)).toEqual([]);
    expect(said(boolean(), 'true')).toEqual(['expected boolean']);
  });

  it('arrayOf parses and refuses as z.array does: parsed items, issues under their index', () => {
    const item = z.strictObject({ n: integer(), at: z.optional(z.string()) });
    const graph = instanceWire;
    const running = {
      ...{ id: 'a', name: 'n', status: 'running', tenant_id: 't', cloud_provider: 'gcp' },
      ...{ region: 'r', type: 't', memory: '1GB', graph_nodes: '12' },
    };
    const inputs: [z.ZodMiniType, unknown][] = [
      [item, []],
      [item, [{ n: 1 }, { n: 2, at: 'x' }]],
      [item, [{ n: 1 }, { n: 'two' }, { n: 1.5, at: 3 }]],
      [item, [{ n: 1, extra: true }]],
      [item, [null]],
      [item, { 0: { n: 1 } }],
      [item, undefined],
      [graph, [running, { ...running, graph_nodes: 'many' }]],
      [graph, [running]],
    ];
    for (const [schema, input] of inputs) {
      const ours = arrayOf(schema).safeParse(input);
      const zods = z.array(schema).safeParse(input);
      expect(ours.success).toBe(zods.success);
      expect(ours.data).toEqual(zods.data);
      expect(ours.error && toIssues(ours.error)).toEqual(zods.error && toIssues(zods.error));
    }
    expect(arrayOf(graph).parse([running])[0]?.graph_nodes).toBe(12);
    const inObject = z.object({ list: arrayOf(item) }).safeParse({ list: [{ n: 'x' }] });
    expect(inObject.error && toIssues(inObject.error)).toEqual([
      { path: 'list.0.n', message: 'expected number' },
    ]);
    const absent = z.object({ list: arrayOf(item) }).safeParse({});
    expect(absent.error && toIssues(absent.error)).toEqual([
      { path: 'list', message: 'expected array' },
    ]);
  });

  it('optional parses and refuses as z.optional does, in an object and on its own', () => {
    const count = instanceWire.shape.graph_nodes;
    const shapes = (wrap: (inner: z.ZodMiniType) => z.ZodMiniType) =>
      z.strictObject({
        n: wrap(integer().check(z.refine((n) => n > 0, 'above 0'))),
        c: wrap(count),
      });
    const inputs: unknown[] = [
      {},
      { n: 1 },
      { n: undefined, c: undefined },
      { n: 2, c: '12' },
      { n: 'x' },
      { n: 0, c: 'many' },
      { n: 1, extra: true },
      { c: null },
      null,
    ];
    for (const input of inputs) {
      const ours = shapes(optional).safeParse(input);
      const zods = shapes(z.optional).safeParse(input);
      expect(ours.success).toBe(zods.success);
      expect(ours.data).toEqual(zods.data);
      if (ours.data) expect(Object.keys(ours.data)).toEqual(Object.keys(zods.data ?? {}));
      expect(ours.error && toIssues(ours.error)).toEqual(zods.error && toIssues(zods.error));
    }
    expect(optional(z.string()).safeParse(undefined)).toEqual({ success: true, data: undefined });
    const refused = optional(z.string()).safeParse(3);
    expect(refused.error && toIssues(refused.error)).toEqual([
      { path: '', message: 'expected string' },
    ]);
  });

  it('a create spec defaults the version to "5" and checks one given', () => {
    const spec = { name: 'n', tenantId: 't', type: 'free-db', memory: '1GB', region: 'r' };
    const full = { ...spec, cloudProvider: 'gcp' } as const;
    expect(checkInput(createInstanceInput, full, 'spec').version).toBe('5');
    expect(checkInput(createInstanceInput, { ...full, version: undefined }, 'spec').version).toBe(
      '5',
    );
    expect(() => checkInput(createInstanceInput, { ...full, version: 'v5' }, 'spec')).toThrow(
      'Invalid spec: version: must be a major version such as "5"',
    );
  });

  it('reads graph_nodes as a number and wraps a created password in a Secret', () => {
    const instance = {
      ...{ id: 'a', name: 'n', status: 'running', tenant_id: 't', cloud_provider: 'gcp' },
      ...{ region: 'r', type: 't', memory: '1GB', graph_nodes: '12', graph_relationships: 3 },
    };
    expect(instanceWire.parse(instance)).toMatchObject({ graph_nodes: 12, graph_relationships: 3 });
    expect(instanceWire.safeParse({ ...instance, graph_nodes: '1e3' }).success).toBe(false);
    const created = {
      ...{ id: 'a', connection_url: 'neo4j+s://a', username: 'neo4j', password: 'pw' },
      ...{ tenant_id: 't', cloud_provider: 'gcp', region: 'r', type: 't', name: 'n' },
    };
    const parsed = createdInstanceWire.parse(created);
    expect(parsed.password).toBeInstanceOf(Secret);
    expect(parsed.password.reveal()).toBe('pw');
    expect(createdInstanceWire.safeParse({ ...created, password: 7 }).success).toBe(false);
  });

  it('oneOf names the allowed values', () => {
    const result = oneOf(['gcp', 'aws'] as const).safeParse('ibm');
    expect(result.error?.issues[0]?.message).toBe('must be one of "gcp", "aws"');
  });

  it('reads graph_nodes Infinity (JSON 1e999) as a broken answer', () => {
    const answer = JSON.parse(
      '{"id":"a","name":"n","status":"running","tenant_id":"t","cloud_provider":"gcp","region":"r","type":"t","memory":"1GB","graph_nodes":1e999}',
    );
    expect(instanceWire.safeParse(answer).success).toBe(false);
  });
});

describe('AuraClient options', () => {
  it('accepts rateLimit: false and valid rate limit settings', () => {
    expect(() => new AuraClient({ ...CREDENTIALS, rateLimit: false })).not.toThrow();
    expect(
      () => new AuraClient({ ...CREDENTIALS, rateLimit: { limit: 10, windowMs: 1000, burst: 2 } }),
    ).not.toThrow();
  });

  it('accepts the duration options by their Ms names, and lets other unknown keys pass', () => {
    const options = { ...CREDENTIALS, timeoutMs: 5_000, tokenRefreshMarginMs: 0 };
    expect(() => new AuraClient(options)).not.toThrow();
    expect(() => new AuraClient({ ...CREDENTIALS, unheardOf: 1 } as never)).not.toThrow();
  });

  it.each([
    [{ rateLimit: { limit: 1.5, windowMs: 1000 } }, 'rateLimit.limit: expected int'],
    [{ rateLimit: { limit: 0, windowMs: 1000 } }, 'rateLimit.limit: must be greater than 0'],
    [{ rateLimit: true }, 'rateLimit: expected object'],
    [{ rateLimit: { limit: '5', windowMs: 1000 } }, 'rateLimit.limit: expected number'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs: expected number'],
    [{ retry: { statusCodes: [429, 'x'] } }, 'retry.statusCodes.1: expected number'],
    [{ retry: { limit: -1 } }, 'retry.limit: must be at least 0'],
    [{ baseUrl: 'ftp://api.neo4j.io' }, 'baseUrl: must be a valid url'],
    [{ timeoutMs: 0 }, 'timeoutMs: must be greater than 0'],
    [{ timeout: 5_000 }, 'timeout: renamed to timeoutMs'],
    [{ tokenRefreshMargin: 0 }, 'tokenRefreshMargin: renamed to tokenRefreshMarginMs'],
    [{ clientId: '  ' }, 'clientId: required'],
  ])('refuses %j, naming the option', (options, issue) => {
    expect(refusalOf(options)).toEqual([issue]);
  });
});
