import { HttpResponse, http } from 'msw';
import type { Driver } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { UserDatabaseScopeError } from '../../src/client-factory/errors.js';
import {
  createQueryClientForUser,
  createUserQueryClients,
} from '../../src/client-factory/user-query-clients.js';
import { createClientForUser, sharedUserClients } from '../../src/neo4j.js';
import { useHostServers } from './host-servers.js';
import { BENIGN, HOSTILE, OTHER_DB, OWN_DB } from './hostile-statements.js';
import { clientsOver, createHostedWorld, HOST_PASSWORD } from './support.js';

const ORIGIN = 'https://h0000001.databases.neo4j.io';

/** One way a hosted user's statement reaches Neo4j. */
type Surface = (query: string) => Promise<unknown>;

const servers = useHostServers();

/** A hosted user `u1` (and a neighbour `u2`) on one host, its Bolt URL the fake's (or Aura's, for the Query API). */
async function hostedUsers(onBolt = true) {
  const t = clientsOver(createHostedWorld());
  const host = await t.putHost('h0000001', onBolt ? { connectionUrl: servers.bolt.url } : {});
  await t.putHostedUser('u1', host, OWN_DB);
  await t.putHostedUser('u2', host, OTHER_DB);
  return t;
}

/** Every surface of the driver clients, for user `u1`. */
async function driverSurfaces(t: Awaited<ReturnType<typeof hostedUsers>>) {
  const driver = await t.clients.driverFor('u1');
  const shared = { store: t.store, cipher: t.cipher, clock: t.clock, createDriver: t.createDriver };
  const inSession = async <R>(work: (session: ReturnType<Driver['session']>) => Promise<R>) => {
    const session = driver.session();
    try {
      return await work(session);
    } finally {
      await session.close();
    }
  };
  const surfaces: Record<string, Surface> = {
    'clients.run': (query) => t.clients.run('u1', query),
    'driver.executeQuery': (query) => driver.executeQuery(query),
    'session.run': (query) => inSession(async (session) => session.run(query)),
    executeRead: (query) => inSession((session) => session.executeRead((tx) => tx.run(query))),
    executeWrite: (query) => inSession((session) => session.executeWrite((tx) => tx.run(query))),
    'beginTransaction, used at once': (query) =>
      inSession(async (session) => {
        const tx = session.beginTransaction();
        try {
          return await tx.run(query);
        } finally {
          await tx.rollback();
        }
      }),
    'beginTransaction, awaited': (query) =>
      inSession(async (session) => {
        const tx = await session.beginTransaction();
        try {
          return await tx.run(query);
        } finally {
          await tx.rollback();
        }
      }),
    createClientForUser: async (query) =>
      (await createClientForUser('u1', shared)).executeQuery(query),
  };
  return { surfaces, close: () => sharedUserClients(shared).closeAll() };
}

/** Runs `query` on `surface`: the error it was refused with, or `undefined` when it ran. */
async function outcome(surface: Surface, query: string): Promise<unknown> {
  try {
    await surface(query);
    return undefined;
  } catch (error) {
    return error;
  }
}

const sentTo = (name: string) =>
  servers.bolt.messages
    .filter((message) => message.name === name)
    .map((message) => (message.fields[name === 'RUN' ? 2 : 0] as { db?: string }).db);

describe(`${HOSTILE.length} hostile statements on every client surface`, () => {
  it('has at least 100 of them', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE).size).toBe(HOSTILE.length);
  });

  it('driver surfaces: each is refused with UserDatabaseScopeError, and no statement is sent', async () => {
    const t = await hostedUsers();
    const { surfaces, close } = await driverSurfaces(t);
    const passed: string[] = [];
    for (const [name, surface] of Object.entries(surfaces)) {
      for (const query of HOSTILE) {
        const error = await outcome(surface, query);
        if (!(error instanceof UserDatabaseScopeError)) passed.push(`${name}: ${query}`);
      }
    }
    expect(passed).toEqual([]);
    expect(servers.bolt.messages.filter((message) => message.name === 'RUN')).toEqual([]);
    expect(sentTo('BEGIN').filter((db) => db !== OWN_DB)).toEqual([]);
    await close();
    await t.clients.closeAll();
  });

  it('Query API surfaces: each is refused, and nothing is posted', async () => {
    const posted: unknown[] = [];
    servers.api.use(
      http.post(`${ORIGIN}/db/:database/query/v2`, async ({ request }) => {
        posted.push(await request.json());
        return HttpResponse.json({ data: { fields: [], values: [] } }, { status: 202 });
      }),
    );
    const t = await hostedUsers(false);
    const world = { store: t.store, cipher: t.cipher, clock: t.clock };
    const one = await createQueryClientForUser('u1', world);
    const cached = createUserQueryClients(world);
    const surfaces: Record<string, Surface> = {
      createQueryClientForUser: (query) => one.run(query),
      'createUserQueryClients.run': (query) => cached.run('u1', query),
      'createUserClients.queryClientFor': async (query) =>
        (await t.clients.queryClientFor('u1')).run(query),
    };
    const passed: string[] = [];
    for (const [name, surface] of Object.entries(surfaces)) {
      for (const query of HOSTILE) {
        if (!((await outcome(surface, query)) instanceof UserDatabaseScopeError)) {
          passed.push(`${name}: ${query}`);
        }
      }
    }
    expect(passed).toEqual([]);
    expect(posted).toEqual([]);
    await cached.closeAll();
    await t.clients.closeAll();
  });
});

describe(`${BENIGN.length} ordinary statements`, () => {
  it('each runs through clients.run; a dozen of them on every driver surface; all on the user database', async () => {
    const t = await hostedUsers();
    const { surfaces, close } = await driverSurfaces(t);
    const refused: string[] = [];
    const sample = BENIGN.filter((_, i) => i % 4 === 0);
    const plan = Object.entries(surfaces).map(
      ([name, surface]) => [name, surface, name === 'clients.run' ? BENIGN : sample] as const,
    );
    for (const [name, surface, queries] of plan) {
      for (const query of queries) {
        const error = await outcome(surface, query);
        if (error !== undefined) refused.push(`${name}: ${query}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
    const runs = servers.bolt.messages.filter((message) => message.name === 'RUN');
    expect(runs.map((message) => message.fields[0])).toEqual(
      plan.flatMap(([, , queries]) => queries),
    );
    expect(new Set([...sentTo('BEGIN'), ...sentTo('RUN')].filter(Boolean))).toEqual(
      new Set([OWN_DB]),
    );
    await close();
    await t.clients.closeAll();
  });

  it('are posted by the Query API client to the user database', async () => {
    const posted: { url: string; statement: unknown }[] = [];
    servers.api.use(
      http.post(`${ORIGIN}/db/:database/query/v2`, async ({ request }) => {
        const { statement } = (await request.json()) as { statement: unknown };
        posted.push({ url: request.url, statement });
        return HttpResponse.json({ data: { fields: [], values: [] } }, { status: 202 });
      }),
    );
    const t = await hostedUsers(false);
    const client = await createQueryClientForUser('u1', { store: t.store, cipher: t.cipher });
    for (const query of BENIGN) await client.run(query);
    expect(posted.map((post) => post.statement)).toEqual(BENIGN);
    expect(new Set(posted.map((post) => post.url))).toEqual(
      new Set([`${ORIGIN}/db/${OWN_DB}/query/v2`]),
    );
    expect(JSON.stringify(posted)).not.toContain(HOST_PASSWORD);
    await t.clients.closeAll();
  });
});

describe('allowedCalls', () => {
  it('replaces the default list: what it names runs, anything else is refused by name', async () => {
    const t = clientsOver(createHostedWorld(), { allowedCalls: ['apoc.text.*', 'LOAD CSV'] });
    const host = await t.putHost('h0000001', { connectionUrl: servers.bolt.url });
    await t.putHostedUser('u1', host, OWN_DB);
    await t.clients.run('u1', "RETURN apoc.text.join(['a', 'b'], '-') AS j");
    await t.clients.run('u1', "LOAD CSV FROM 'https://example.com/a.csv' AS row RETURN row");
    const refused = await outcome(
      (query) => t.clients.run('u1', query),
      "CALL db.labels() YIELD label RETURN label, 'secret-in-the-statement' AS s",
    );
    expect(refused).toMatchObject({
      name: 'UserDatabaseScopeError',
      violation: 'call_not_allowed',
      requested: 'db.labels',
    });
    expect((refused as Error).message).toBe(
      `Refused for user u1: the statement calls "db.labels", which allowedCalls does not name; this client reaches database "${OWN_DB}" only`,
    );
    expect(JSON.stringify(refused)).not.toContain('secret-in-the-statement');
    expect(servers.bolt.messages.filter((message) => message.name === 'RUN')).toHaveLength(2);
    await t.clients.closeAll();
  });

  it('defaults to the db.* reads and built-in namespaces on the Query API too', async () => {
    servers.api.use(
      http.post(`${ORIGIN}/db/:database/query/v2`, () =>
        HttpResponse.json({ data: { fields: [], values: [] } }, { status: 202 }),
      ),
    );
    const t = await hostedUsers(false);
    const world = { store: t.store, cipher: t.cipher };
    const strict = await createQueryClientForUser('u1', world);
    await strict.run('CALL db.labels()');
    await expect(strict.run("RETURN apoc.text.join(['a'], '') AS j")).rejects.toMatchObject({
      violation: 'call_not_allowed',
      requested: 'apoc.text.join',
    });
    const open = await createQueryClientForUser('u1', { ...world, allowedCalls: ['apoc.text.*'] });
    await open.run("RETURN apoc.text.join(['a'], '') AS j");
    await t.clients.closeAll();
  });
});
