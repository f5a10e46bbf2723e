import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuraClient } from '../../../src/aura/index.js';

// Real HTTP on 127.0.0.1 and the system clock: what is tested is the gap between the moment
// the limiter hands a slot out and the moment the server sees the request, which only real
// time and a real socket produce. The window is scaled down (125 per second, Aura's 125 per
// minute 60 times faster) while the jitter is not: up to 250 ms of a 1 s window is 240 times
// harder than 250 ms of Aura's 60 s.
const LIMIT = 125;
const WINDOW_MS = 1_000;
const MAX_LATENCY_MS = 250;
const STALL_MS = 30;
const CALLS = 1_000;
const TENANT_ID = 'tenant-1';

/** An Aura-like server that counts `/v1` requests on arrival, in an exact sliding window. */
async function startStrictServer() {
  const accepted: number[] = [];
  let refused = 0;
  let served = 0;
  const server = createServer((request, response) => {
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method === 'POST' && request.url === '/oauth/token') {
      request.resume();
      return json(200, { access_token: 't', expires_in: 3_600, token_type: 'bearer' });
    }
    if (request.method === 'GET' && request.url?.startsWith('/v1/instances?tenantId=')) {
      const now = performance.now();
      while (accepted.length > 0 && (accepted[0] as number) <= now - WINDOW_MS) accepted.shift();
      if (accepted.length >= LIMIT) {
        refused++;
        return json(429, { errors: [{ message: 'Too many requests', reason: 'rate-limited' }] });
      }
      accepted.push(now);
      served++;
      return json(200, { data: [] });
    }
    json(404, { errors: [{ message: 'unexpected request', reason: 'not-found' }] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ served, refused }),
  };
}

/** Each `/v1` request leaves after a random delay, so arrival order differs from send order. */
function jitteryFetch(random: () => number, stallAtCall: number): typeof fetch {
  let calls = 0;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/v1/')) {
      if (++calls === stallAtCall) {
        // One event-loop stall: every slot handed out meanwhile leaves late.
        const until = performance.now() + STALL_MS;
        while (performance.now() < until) {}
      }
      await new Promise((resolve) => setTimeout(resolve, random() * MAX_LATENCY_MS));
    }
    return fetch(input, init);
  };
}

/** A seeded generator (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('rate limiter against a server that counts on arrival', () => {
  it('gets no 429 for 1,000 calls with up to 250 ms of send-to-arrival jitter and a stall', async () => {
    const strict = await startStrictServer();
    server = strict.server;
    const aura = new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: TENANT_ID,
      baseUrl: strict.url,
      fetch: jitteryFetch(seeded(7), CALLS / 2),
      // The margin covers the skew this test injects: 250 ms of latency, a 30 ms stall, and
      // the event loop's own delays.
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, marginMs: 400 },
    });

    const outcomes = await Promise.allSettled(
      Array.from({ length: CALLS }, () => aura.instances.list()),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(strict.counts()).toEqual({ served: CALLS, refused: 0 });
  }, 30_000);
});
