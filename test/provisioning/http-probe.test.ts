import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import { createHttpReadinessProbe, discoveryUrl } from '../../src/provisioning/http-probe.js';
import { ProvisioningConfigurationError } from '../../src/records/errors.js';
import { createTestClock } from '../../src/testing/index.js';

const HOST = 'https://a1b2c3d4.databases.neo4j.io';
const instance = { instanceId: 'a1b2c3d4', connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io' };
/** The shape of Neo4j 5's discovery document at `GET /` (the fields its HTTP API documents). */
const DISCOVERY = {
  bolt_routing: 'neo4j+s://a1b2c3d4.databases.neo4j.io:7687',
  query: '/db/{databaseName}/query/v2',
  transaction: '/db/{databaseName}/tx',
  neo4j_version: '5.27-aura',
  neo4j_edition: 'enterprise',
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** Answers `GET <url>` with `answer`, recording every request. */
function discoveryAnswers(answer: () => Response, url = `${HOST}/`) {
  const seen: Seen[] = [];
  server.use(
    http.all(url, ({ request }) => {
      seen.push({
        url: request.url,
        method: request.method,
        headers: Object.fromEntries(request.headers),
      });
      return answer();
    }),
  );
  return seen;
}

/** A fetch that never answers but rejects, like `fetch`, when its signal aborts. */
function hangingFetch() {
  const signals: AbortSignal[] = [];
  const fetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal as AbortSignal;
      signals.push(signal);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    })) as typeof globalThis.fetch;
  return { fetch, signals };
}

/** A fetch that fails the way undici does: `TypeError('fetch failed')` with the system error as cause. */
const failingFetch = (code: string) =>
  (async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
  }) as typeof globalThis.fetch;

describe('createHttpReadinessProbe', () => {
  it('says ready for a 2xx Neo4j discovery document, from one GET to https://<host>/', async () => {
    const seen = discoveryAnswers(() => HttpResponse.json(DISCOVERY));
    expect(await createHttpReadinessProbe()(instance)).toBe(true);
    expect(seen).toEqual([expect.objectContaining({ url: `${HOST}/`, method: 'GET' })]);
    expect(seen[0]?.headers.accept).toBe('application/json');
  });

  it.each([
    ['neo4j_version', { neo4j_version: '5.27-aura' }],
    ['bolt_routing', { bolt_routing: 'neo4j+s://a1b2c3d4.databases.neo4j.io:7687' }],
    ['bolt_direct', { bolt_direct: 'bolt+s://a1b2c3d4.databases.neo4j.io:7687' }],
  ])('takes a document with only %s as discovery', async (_field, body) => {
    discoveryAnswers(() => HttpResponse.json(body, { status: 200 }));
    expect(await createHttpReadinessProbe()(instance)).toBe(true);
  });

  it('sends no credentials: no Authorization, no cookie, no user info from the URL', async () => {
    const seen = discoveryAnswers(() => HttpResponse.json(DISCOVERY));
    const probe = createHttpReadinessProbe();
    const withUserInfo = 'neo4j+s://neo4j:s3cret-pa55@a1b2c3d4.databases.neo4j.io:7687';
    expect(await probe({ instanceId: 'a1b2c3d4', connectionUrl: withUserInfo })).toBe(true);
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect(request.url).toBe(`${HOST}/`);
    expect(Object.keys(request.headers)).not.toContain('authorization');
    expect(Object.keys(request.headers)).not.toContain('cookie');
    expect(JSON.stringify(request)).not.toContain('s3cret-pa55');
  });

  it.each([
    ['a redirect (not followed)', () => HttpResponse.redirect('https://example.com/', 301)],
    ['304', () => new HttpResponse(null, { status: 304 })],
    ['401', () => HttpResponse.json(DISCOVERY, { status: 401 })],
    ['404', () => HttpResponse.json({ errors: [] }, { status: 404 })],
    ['503', () => HttpResponse.json(DISCOVERY, { status: 503 })],
    ['an HTML page', () => HttpResponse.html('<html><body>Starting</body></html>')],
    ['an empty body', () => new HttpResponse(null, { status: 200 })],
    ['truncated JSON', () => HttpResponse.text('{"neo4j_version":"5.', { status: 200 })],
    ['JSON null', () => HttpResponse.json(null)],
    ['a JSON array', () => HttpResponse.json([DISCOVERY])],
    ['an object of other fields', () => HttpResponse.json({ status: 'ok', version: '1.0' })],
    ['a version that is not a string', () => HttpResponse.json({ neo4j_version: 5 })],
    ['a network error', () => HttpResponse.error()],
  ])('says not yet for %s', async (_case, answer) => {
    const seen = discoveryAnswers(answer);
    server.use(http.all('https://example.com/*', () => HttpResponse.json(DISCOVERY)));
    expect(await createHttpReadinessProbe()(instance)).toBe(false);
    expect(seen).toHaveLength(1); // and no retry
  });

  it.each([
    ['a DNS failure', 'ENOTFOUND'],
    ['a refused connection', 'ECONNREFUSED'],
    ['a TLS error', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['a reset connection', 'ECONNRESET'],
  ])('says not yet for %s, without throwing', async (_case, code) => {
    const probe = createHttpReadinessProbe({ fetch: failingFetch(code) });
    expect(await probe(instance)).toBe(false);
  });

  it('says not yet when fetch throws synchronously', async () => {
    const probe = createHttpReadinessProbe({
      fetch: (() => {
        throw new TypeError('Invalid URL');
      }) as typeof globalThis.fetch,
    });
    expect(await probe(instance)).toBe(false);
  });

  it('says not yet for a connection URL without a host, sending nothing', async () => {
    const { fetch, signals } = hangingFetch();
    const probe = createHttpReadinessProbe({ fetch });
    for (const connectionUrl of ['::not a url::', '', 'neo4j+s://', 'neo4j+s://:7687']) {
      expect(await probe({ instanceId: 'x', connectionUrl })).toBe(false);
    }
    expect(signals).toHaveLength(0);
  });

  it('gives up at its timeout on a fetch that never answers, aborting it and leaving no timer', async () => {
    const clock = createTestClock();
    const { fetch, signals } = hangingFetch();
    const started = clock.now();
    expect(await clock.runUntil(createHttpReadinessProbe({ fetch, clock })(instance))).toBe(false);
    expect(clock.now() - started).toBe(2_000);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);

    const short = createHttpReadinessProbe({ fetch, clock, timeoutMs: 250 });
    expect(await clock.runUntil(short(instance))).toBe(false);
    expect(clock.now() - started).toBe(2_250);
  });

  it('gives up at its timeout on a fetch that ignores its signal, or a body that never ends', async () => {
    const clock = createTestClock();
    const deaf = createHttpReadinessProbe({
      fetch: (() => new Promise<Response>(() => {})) as typeof globalThis.fetch,
      clock,
    });
    expect(await clock.runUntil(deaf(instance))).toBe(false);
    const stalled = createHttpReadinessProbe({
      fetch: (async () =>
        new Response(new ReadableStream({ start() {} }), {
          status: 200,
        })) as typeof globalThis.fetch,
      clock,
    });
    expect(await clock.runUntil(stalled(instance))).toBe(false);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(4_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears its timer when the answer comes first', async () => {
    const clock = createTestClock();
    const probe = createHttpReadinessProbe({
      fetch: (async () => Response.json(DISCOVERY)) as typeof globalThis.fetch,
      clock,
    });
    expect(await probe(instance)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
  });

  it.each([Number.NaN, 0, -1, Number.POSITIVE_INFINITY])(
    'refuses a timeout of %s with ProvisioningConfigurationError',
    (timeoutMs) => {
      expect(() => createHttpReadinessProbe({ timeoutMs })).toThrow(ProvisioningConfigurationError);
      expect(() => createHttpReadinessProbe({ timeoutMs })).toThrow(
        /timeoutMs must be a finite number of ms > 0/,
      );
    },
  );
});

it('is exported from the package root, next to the DNS probe', () => {
  expect(root.createHttpReadinessProbe).toBe(createHttpReadinessProbe);
  expect(typeof root.createDnsReadinessProbe).toBe('function');
});

describe('discoveryUrl', () => {
  it.each([
    ['neo4j+s://a1b2c3d4.databases.neo4j.io', 'https://a1b2c3d4.databases.neo4j.io/'],
    ['neo4j+s://a1b2c3d4.databases.neo4j.io:7687', 'https://a1b2c3d4.databases.neo4j.io/'],
    ['NEO4J+SSC://a1b2c3d4.databases.neo4j.io/', 'https://a1b2c3d4.databases.neo4j.io/'],
    ['bolt+s://user:pw@a1b2c3d4.databases.neo4j.io:7687', 'https://a1b2c3d4.databases.neo4j.io/'],
    ['neo4j://db.example.com:7687', 'https://db.example.com/'],
    ['http://db.example.com:7474', 'https://db.example.com/'],
    ['https://db.example.com:8443/db/neo4j?x=1', 'https://db.example.com:8443/'],
    ['https://db.example.com:443', 'https://db.example.com/'],
    ['neo4j+s://[2001:db8::1]:7687', 'https://[2001:db8::1]/'],
    ['  neo4j+s://a1b2c3d4.databases.neo4j.io  ', 'https://a1b2c3d4.databases.neo4j.io/'],
  ])('%s -> %s', (connectionUrl, expected) => {
    expect(discoveryUrl(connectionUrl)).toBe(expected);
  });

  it.each(['', '::not a url::', 'a1b2c3d4.databases.neo4j.io', 'neo4j+s://', 'neo4j+s://a b'])(
    'has no answer for %j',
    (connectionUrl) => {
      expect(discoveryUrl(connectionUrl)).toBeUndefined();
    },
  );
});
