/**
 * Walks every kind of answer the fake gives, on every route it serves, and
 * validates each body against the vendored OpenAPI document. An answer that
 * drifts from the spec fails here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { findRoute } from '../../src/testing/router.js';
import { ROUTES } from '../../src/testing/routes/route-table.js';
import type { CallOptions } from '../support/aura-api.js';
import { apiOf, createBody, serveWithMsw } from '../support/aura-api.js';
import { validateResponse } from '../support/openapi.js';

const clock = createTestClock();
const aura = createAuraMock({ clock, instanceLimit: 4, notFoundAfterCreateMs: 10_000 });
const throttled = createAuraMock({
  clock,
  baseUrl: 'https://throttled.test',
  rateLimit: { limit: 1, windowMs: 60_000 },
});
serveWithMsw(aura, throttled);

interface Seen {
  method: string;
  path: string;
  route: string;
  status: number;
  body: unknown;
}
const seen: Seen[] = [];
const routeOf = (method: string, path: string) =>
  findRoute(ROUTES, method, path.split('?')[0] ?? path)?.route.pattern ?? 'unrouted';

/** Makes a call, checks the walk got the status it meant to provoke, and keeps the answer. */
async function step(
  baseUrl: string,
  method: string,
  path: string,
  status: number,
  options: CallOptions = {},
) {
  const answer = await apiOf(baseUrl).call(method, path, options);
  expect(answer.status, `${method} ${path}`).toBe(status);
  seen.push({ method, path, route: routeOf(method, path), status, body: answer.body });
  return answer.body as { data: { id: string; snapshot_id: string } };
}

async function walk() {
  const api = apiOf(aura.baseUrl);
  const on = (method: string, path: string, status: number, options: CallOptions = {}) =>
    step(aura.baseUrl, method, path, status, { token, ...options });
  const expired = await api.token();
  aura.expireTokens();
  let token = await api.token();

  // Auth and the gateway.
  await on('GET', '/tenants', 401, { token: undefined });
  await on('GET', '/tenants', 401, { token: 'forged' });
  await on('GET', '/tenants', 403, { token: expired });
  const throttledToken = await apiOf(throttled.baseUrl).token();
  await step(throttled.baseUrl, 'GET', '/tenants', 200, { token: throttledToken });
  await step(throttled.baseUrl, 'GET', '/tenants', 429, { token: throttledToken });

  // Tenants.
  await on('GET', '/tenants', 200);
  await on('GET', '/tenants/tenant-1', 200);
  await on('GET', '/tenants/nobody', 404);

  // Creating and reading instances.
  const a = (await on('POST', '/instances', 202, { body: createBody({ name: 'a' }) })).data.id;
  await on('GET', `/instances/${a}`, 404);
  await on('GET', '/instances', 200);
  await on('GET', '/instances?tenantId=tenant-1', 200);
  await clock.advance(10_000);
  token = await api.token();
  await on('GET', `/instances/${a}`, 200);
  await on('GET', '/instances/ffffffff', 404);
  await on('POST', '/instances', 400, { body: createBody({ name: '' }) });
  await on('POST', '/instances', 400, { body: createBody({ tenant_id: 'nobody' }) });
  await on('POST', '/instances', 400, { body: createBody({ memory: '64GB' }) });
  await on('POST', '/instances', 400, { body: 'not an object' });
  await on('POST', '/instances', 415, { body: createBody(), contentType: 'text/plain' });
  const b = aura.addInstance({ name: 'b' }).id;
  const c = aura.addInstance({ name: 'c', status: 'paused' }).id;
  const e = (await on('POST', '/instances', 202, { body: createBody({ name: 'e' }) })).data.id;
  await on('POST', '/instances', 405, { body: createBody({ name: 'f' }) });
  await clock.advance(80_000);
  await on('GET', `/instances/${a}`, 200);

  // Updating, pausing, resuming.
  await on('PATCH', `/instances/${b}`, 200, { body: { name: 'renamed', memory: '2GB' } });
  await on('PATCH', `/instances/${b}`, 409, { body: { name: 'again' } });
  await on('PATCH', `/instances/${a}`, 400, { body: { name: ' padded' } });
  await on('PATCH', '/instances/ffffffff', 404, { body: { name: 'x' } });
  await on('PATCH', `/instances/${a}`, 415, { body: { name: 'x' }, contentType: 'text/plain' });
  await on('POST', `/instances/${a}/pause`, 202, { body: {} });
  await on('POST', `/instances/${a}/pause`, 409, { body: {} });
  await on('POST', '/instances/ffffffff/pause', 404, { body: {} });
  await on('POST', `/instances/${c}/resume`, 202, { body: {} });
  await on('POST', `/instances/${c}/resume`, 409, { body: {} });
  await on('POST', '/instances/ffffffff/resume', 404, { body: {} });
  await clock.advance(90_000);
  await on('GET', `/instances/${a}`, 200);

  // Snapshots.
  const s = (await on('POST', `/instances/${b}/snapshots`, 202, { body: {} })).data.snapshot_id;
  await on('POST', `/instances/${a}/snapshots`, 409, { body: {} });
  await on('POST', '/instances/ffffffff/snapshots', 404, { body: {} });
  await on('GET', `/instances/${b}/snapshots`, 200);
  await on('GET', `/instances/${b}/snapshots/${s}`, 200);
  await on('POST', `/instances/${b}/snapshots/${s}/restore`, 409, { body: {} });
  await clock.advance(30_000);
  await on('GET', `/instances/${b}/snapshots?date=2026-01-01`, 200);
  await on('GET', `/instances/${b}/snapshots/${s}`, 200);
  await on('GET', `/instances/${b}/snapshots/nope`, 404);
  await on('GET', '/instances/ffffffff/snapshots', 404);
  await on('GET', `/instances/ffffffff/snapshots/${s}`, 404);
  await on('POST', `/instances/${b}/snapshots/${s}/restore`, 202, { body: {} });
  await on('POST', `/instances/${b}/snapshots/nope/restore`, 404, { body: {} });
  await on('POST', `/instances/ffffffff/snapshots/${s}/restore`, 404, { body: {} });

  // Deleting.
  await on('DELETE', `/instances/${e}`, 202);
  await on('GET', `/instances/${e}`, 200);
  await on('DELETE', `/instances/${e}`, 404);
  await on('DELETE', `/instances/${b}`, 409);
  await clock.advance(10_000);
  await on('GET', `/instances/${e}`, 404);

  // Auth refusals and injected gateway failures (default bodies), on every route.
  for (const route of ROUTES) {
    const path = route.pattern.replace(/:\w+/g, a);
    const body = route.method === 'GET' ? {} : { body: {} };
    await on(route.method, path, 401, { ...body, token: undefined });
    await on(route.method, path, 403, { ...body, token: expired });
    for (const status of [429, 500, 502, 503, 504]) {
      aura.faults.failNext(1, { status });
      await on(route.method, path, status, body);
    }
  }
}

beforeAll(walk);

describe('the fake against the OpenAPI spec', () => {
  it('gives answers whose bodies all fit the spec', () => {
    const drifted = seen
      .map((answer) => ({ answer, result: validateResponse(answer) }))
      .filter(({ result }) => !result.ok)
      .map(({ answer, result }) => ({
        call: `${answer.method} ${answer.path} ${answer.status}`,
        result,
      }));
    expect(drifted).toEqual([]);
    expect(seen.length).toBeGreaterThan(100);
  });

  it('walks a success, the gateway errors and its own errors on every route', () => {
    // These two can only fail at the gateway (auth, rate limit, 5xx).
    const gatewayOnly = ['GET /tenants', 'GET /instances'];
    for (const route of ROUTES) {
      const where = `${route.method} ${route.pattern}`;
      const statuses = new Set(
        seen.filter((s) => `${s.method} ${s.route}` === where).map((s) => s.status),
      );
      expect(
        [...statuses].some((status) => status < 300),
        `${where} success`,
      ).toBe(true);
      for (const status of [401, 403, 429, 500, 502, 503, 504]) {
        expect(statuses.has(status), `${where} ${status}`).toBe(true);
      }
      const own = [...statuses].some((status) => [400, 404, 405, 409, 415].includes(status));
      expect(own || gatewayOnly.includes(where), `${where} own error`).toBe(true);
    }
  });

  it('would notice drift: a success body missing a required field fails', () => {
    const instance = seen.find(
      (s) => s.method === 'GET' && s.status === 200 && s.path.startsWith('/instances/'),
    );
    const body = structuredClone(instance?.body) as { data: Record<string, unknown> };
    delete body.data.status;
    expect(validateResponse({ ...(instance as Seen), body }).ok).toBe(false);
  });
});
