import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserClientConfigurationError } from '../../src/client-factory/errors.js';
import { createQueryClient } from '../../src/client-factory/query-client.js';
import {
  Neo4jAuthenticationError,
  Neo4jConnectionError,
  Neo4jQueryAbortError,
  Neo4jQueryError,
  Neo4jQueryTimeoutError,
  Neo4jTransientError,
  type QueryApiError,
} from '../../src/client-factory/query-errors.js';
import { queryApiOrigin } from '../../src/client-factory/query-url.js';
import {
  createQueryClientForUser,
  createUserQueryClients,
} from '../../src/client-factory/user-query-clients.js';
import { createWorld, PASSWORD, USERNAME } from './support.js';

const USER = 'user-1';
const ENDPOINT = 'https://a1b2c3d4.databases.neo4j.io/db/neo4j/query/v2';
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Answers every Query API request with `answer`, recording what came in. */
function answerWith(answer: () => Response | Promise<Response>, path = ENDPOINT) {
  const seen: Seen[] = [];
  server.use(
    http.post(path, async ({ request }) => {
      seen.push({
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: await request.json(),
      });
      return answer();
    }),
  );
  return seen;
}

const accepted = (fields: string[], values: unknown[][], extra: object = {}) =>
  HttpResponse.json(
    { data: { fields, values }, bookmarks: ['FB:kcwQ'], ...extra },
    { status: 202 },
  );

const neo4jError = (status: number, code: string, message: string) =>
  HttpResponse.json({ errors: [{ code, message }] }, { status });

async function clientFor(patch = {}) {
  const world = createWorld();
  await world.putRecord(USER, patch);
  return { world, client: await createQueryClientForUser(USER, world) };
}

describe('a 202 answer', () => {
  it('gives typed rows keyed by field, from the record URL, user name and password', async () => {
    const seen = answerWith(() =>
      accepted(
        ['name', 'age'],
        [
          ['Alice', 42],
          ['Bob', 7],
        ],
      ),
    );
    const { client } = await clientFor();
    const result = await client.run<{ name: string; age: number }>(
      'MATCH (p:Person) WHERE p.age > $min RETURN p.name AS name, p.age AS age',
      { min: 1 },
    );
    expect(result.rows).toEqual([
      { name: 'Alice', age: 42 },
      { name: 'Bob', age: 7 },
    ]);
    expect(result.fields).toEqual(['name', 'age']);
    expect(result.bookmarks).toEqual(['FB:kcwQ']);
    expect(seen).toEqual([
      {
        url: ENDPOINT,
        headers: expect.objectContaining({
          authorization: BASIC,
          'content-type': 'application/json',
          accept: 'application/json',
        }),
        body: {
          statement: 'MATCH (p:Person) WHERE p.age > $min RETURN p.name AS name, p.age AS age',
          parameters: { min: 1 },
        },
      },
    ]);
  });

  it('uses the recorded database in the path', async () => {
    const seen = answerWith(
      () => accepted(['n'], [[1]]),
      'https://a1b2c3d4.databases.neo4j.io/db/tenant_db/query/v2',
    );
    const { client } = await clientFor({ databaseName: 'tenant_db' });
    expect(client.database).toBe('tenant_db');
    await client.run('RETURN 1 AS n');
    expect(seen).toHaveLength(1);
  });

  it('passes access mode, bookmarks and counters, and returns the counters', async () => {
    const counters = { containsUpdates: true, nodesCreated: 1 };
    const seen = answerWith(() => accepted(['n'], [], { counters }));
    const { client } = await clientFor();
    const result = await client.run(
      'CREATE (n)',
      {},
      {
        accessMode: 'read',
        bookmarks: ['FB:1'],
        includeCounters: true,
      },
    );
    expect(seen[0]?.body).toEqual({
      statement: 'CREATE (n)',
      parameters: {},
      accessMode: 'Read',
      bookmarks: ['FB:1'],
      includeCounters: true,
    });
    expect(result.counters).toEqual(counters);
    expect(result.rows).toEqual([]);
  });
});

type ErrorClass = abstract new (...args: never[]) => QueryApiError;
const failures: [string, () => Response, ErrorClass, Record<string, unknown>][] = [
  [
    '401, no body',
    () => new HttpResponse(null, { status: 401 }),
    Neo4jAuthenticationError,
    {
      code: 'unauthorized',
      status: 401,
      neo4jCode: undefined,
      retryable: false,
    },
  ],
  [
    '401, Neo.ClientError.Security.Unauthorized',
    () =>
      neo4jError(
        401,
        'Neo.ClientError.Security.Unauthorized',
        'The client is unauthorized due to authentication failure.',
      ),
    Neo4jAuthenticationError,
    { code: 'unauthorized', neo4jCode: 'Neo.ClientError.Security.Unauthorized' },
  ],
  [
    '400, Neo.ClientError.Statement.SyntaxError',
    () => neo4jError(400, 'Neo.ClientError.Statement.SyntaxError', "Invalid input 'RETRN'"),
    Neo4jQueryError,
    {
      name: 'Neo4jQueryError',
      code: 'query_failed',
      status: 400,
      neo4jCode: 'Neo.ClientError.Statement.SyntaxError',
      retryable: false,
    },
  ],
  [
    '400, Neo.ClientError.Schema.ConstraintValidationFailed',
    () => neo4jError(400, 'Neo.ClientError.Schema.ConstraintValidationFailed', 'already exists'),
    Neo4jQueryError,
    { neo4jCode: 'Neo.ClientError.Schema.ConstraintValidationFailed' },
  ],
  [
    '503, Neo.TransientError.Transaction.DeadlockDetected',
    () => neo4jError(503, 'Neo.TransientError.Transaction.DeadlockDetected', 'deadlock'),
    Neo4jTransientError,
    { code: 'transient', retryable: true },
  ],
  [
    '500, Neo.DatabaseError.General.UnknownError',
    () => neo4jError(500, 'Neo.DatabaseError.General.UnknownError', 'boom'),
    Neo4jQueryError,
    { neo4jCode: 'Neo.DatabaseError.General.UnknownError' },
  ],
  [
    '503 from a proxy, HTML',
    () => new HttpResponse('<html>Service Unavailable</html>', { status: 503 }),
    Neo4jTransientError,
    { status: 503, neo4jCode: undefined },
  ],
  [
    '500 from a proxy, HTML',
    () => new HttpResponse('<html>oops</html>', { status: 500 }),
    Neo4jConnectionError,
    { code: 'connection_failed', status: 500 },
  ],
  [
    '202 that is not the Query API',
    () => HttpResponse.json({ hello: 'world' }, { status: 202 }),
    Neo4jConnectionError,
    { status: 202 },
  ],
  ['a network failure', () => HttpResponse.error(), Neo4jConnectionError, { status: undefined }],
];

describe('a failed answer', () => {
  it.each(failures)('%s gives %o', async (_label, answer, type, fields) => {
    answerWith(answer);
    const { world, client } = await clientFor();
    const error = await client.run('RETURN 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ ...fields, userId: USER });
    expect(Object.getOwnPropertyDescriptor(error, 'name')?.value).toBe((error as Error).name);
    const shown = [String(error), JSON.stringify(error), inspect(error, { depth: 6 })].join('\n');
    for (const secret of [PASSWORD, BASIC, (await world.memory.get(USER))?.encryptedPassword]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('says what Neo4j said', async () => {
    answerWith(() =>
      neo4jError(400, 'Neo.ClientError.Statement.SyntaxError', "Invalid input 'RETRN'"),
    );
    const { client } = await clientFor();
    await expect(client.run('RETRN 1')).rejects.toThrow(
      "Neo4j refused the query for user user-1: Neo.ClientError.Statement.SyntaxError: Invalid input 'RETRN'",
    );
  });
});

describe('timeouts and abort', () => {
  it('a slow answer past the timeout gives Neo4jQueryTimeoutError, on the clock', async () => {
    answerWith(async () => {
      await delay('infinite');
      return accepted([], []);
    });
    const world = createWorld();
    await world.putRecord(USER);
    const client = await createQueryClientForUser(USER, { ...world, queryTimeoutMs: 5_000 });
    const error = await world.clock.runUntil(client.run('RETURN 1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Neo4jQueryTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 5_000, retryable: true });
    expect(world.clock.now() - Date.UTC(2026, 0, 1)).toBe(5_000);
  });

  it("the caller's signal aborts the request with Neo4jQueryAbortError", async () => {
    answerWith(async () => {
      await delay('infinite');
      return accepted([], []);
    });
    const { client } = await clientFor();
    const controller = new AbortController();
    const running = client.run('RETURN 1', {}, { signal: controller.signal });
    controller.abort(new Error('user went away'));
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Neo4jQueryAbortError);
    expect((error as Error).cause).toEqual(new Error('user went away'));
  });

  it.each([Number.NaN, 0, -1])(
    'refuses a timeout of %s, per client or per call, sending nothing',
    async (timeout) => {
      const seen = answerWith(() => accepted([], []));
      expect(() =>
        createQueryClient({
          origin: 'https://a1b2c3d4.databases.neo4j.io',
          database: 'neo4j',
          username: USERNAME,
          password: PASSWORD,
          timeoutMs: timeout,
        }),
      ).toThrow(/timeoutMs must be a number of ms > 0/);
      const { client } = await clientFor();
      await expect(client.run('RETURN 1', {}, { timeoutMs: timeout })).rejects.toThrow(
        /timeoutMs must be a number of ms > 0/,
      );
      expect(seen).toHaveLength(0);
    },
  );

  it('an already aborted signal sends nothing', async () => {
    const seen = answerWith(() => accepted([], []));
    const { client } = await clientFor();
    await expect(
      client.run('RETURN 1', {}, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(Neo4jQueryAbortError);
    expect(seen).toHaveLength(0);
  });
});

describe('the client', () => {
  it('shows no password or Authorization header when printed or serialised', async () => {
    const { client } = await clientFor();
    const shown = `${JSON.stringify(client)}\n${inspect(client, { depth: 6, showHidden: true })}`;
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(BASIC.slice('Basic '.length));
    expect(JSON.parse(JSON.stringify(client))).toEqual({
      endpoint: ENDPOINT,
      database: 'neo4j',
      username: USERNAME,
      userId: USER,
    });
  });
});

describe('createUserQueryClients', () => {
  it('reads the store once per user and reuses the client', async () => {
    const seen = answerWith(() => accepted(['n'], [[1]]));
    const world = createWorld();
    await world.putRecord(USER);
    const clients = createUserQueryClients(world);
    await Promise.all([clients.run(USER, 'RETURN 1 AS n'), clients.run(USER, 'RETURN 1 AS n')]);
    expect(await clients.queryClientFor(USER)).toBe(await clients.queryClientFor(USER));
    expect(world.counts).toEqual({ gets: 1, decrypts: 1 });
    expect(seen).toHaveLength(2);
    await clients.closeAll();
  });

  it('after a 401 reads the store again, so a password rotated elsewhere is picked up', async () => {
    const world = createWorld();
    await world.putRecord(USER);
    const rotated = `Basic ${Buffer.from(`${USERNAME}:rotated`).toString('base64')}`;
    server.use(
      http.post(ENDPOINT, ({ request }) =>
        request.headers.get('authorization') === rotated
          ? accepted(['n'], [[1]])
          : new HttpResponse(null, { status: 401 }),
      ),
    );
    const clients = createUserQueryClients(world);
    await clients.queryClientFor(USER); // cached with the first password
    await world.changeRecord(USER, { password: 'rotated' }); // no event reaches this cache
    await expect(clients.run(USER, 'RETURN 1')).rejects.toBeInstanceOf(Neo4jAuthenticationError);
    expect((await clients.run(USER, 'RETURN 1 AS n')).rows).toEqual([{ n: 1 }]);
    expect(world.counts.gets).toBe(2);
    await clients.closeAll();
  });
});

describe('queryApiOrigin', () => {
  it.each([
    ['neo4j+s://a1b2c3d4.databases.neo4j.io', 'https://a1b2c3d4.databases.neo4j.io'],
    ['neo4j+s://a1b2c3d4.databases.neo4j.io:7687', 'https://a1b2c3d4.databases.neo4j.io'],
    ['bolt+ssc://db.example.com', 'https://db.example.com'],
    ['neo4j://localhost:7687', 'http://localhost:7474'],
    ['bolt://[::1]:7687', 'http://[::1]:7474'],
    ['https://neo4j.example.com:8443/', 'https://neo4j.example.com:8443'],
    ['https://user:secret@neo4j.example.com', 'https://neo4j.example.com'],
  ])('%s -> %s', (url, origin) => {
    expect(queryApiOrigin(url)).toBe(origin);
  });

  it('refuses a URL with no Query API equivalent', () => {
    expect(() => queryApiOrigin('ftp://example.com')).toThrow(/no Query API equivalent/);
    expect(() => queryApiOrigin('not a url')).toThrow(UserClientConfigurationError);
  });
});
