import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserDatabaseScopeError } from '../../src/client-factory/errors.js';
import {
  createQueryClientForUser,
  createUserQueryClients,
} from '../../src/client-factory/user-query-clients.js';
import { createUserClients } from '../../src/neo4j.js';
import {
  createHostedWorld,
  HOST_PASSWORD,
  HOST_USERNAME,
  recordingDriverFactory,
} from './support.js';

const DB1 = 'ap-u0000007oizyxc9ipowcnntkhs';
const DB2 = 'ap-u0000008qp3m1v0zsa2hd7k5r';
const ORIGIN = 'https://h0000001.databases.neo4j.io';
const BASIC = `Basic ${Buffer.from(`${HOST_USERNAME}:${HOST_PASSWORD}`).toString('base64')}`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Answers every Query API request on the host with one row, recording what came in. */
function answerAll() {
  const seen: { url: string; authorization: string | null; statement: unknown }[] = [];
  server.use(
    http.post(`${ORIGIN}/db/:database/query/v2`, async ({ request }) => {
      const body = (await request.json()) as { statement: unknown };
      seen.push({
        url: request.url,
        authorization: request.headers.get('authorization'),
        statement: body.statement,
      });
      return HttpResponse.json({ data: { fields: ['n'], values: [[1]] } }, { status: 202 });
    }),
  );
  return seen;
}

async function hostedWorld() {
  const world = createHostedWorld();
  const host = await world.putHost('h0000001');
  await world.putHostedUser('u1', host, DB1);
  await world.putHostedUser('u2', host, DB2);
  return world;
}

describe('the Query API client of a user on a shared host', () => {
  it("posts to /db/<the user's database>/query/v2 with the host's credentials", async () => {
    const seen = answerAll();
    const world = await hostedWorld();
    const client = await createQueryClientForUser('u1', world);
    expect(client.endpoint).toBe(`${ORIGIN}/db/${DB1}/query/v2`);
    expect(client.database).toBe(DB1);
    expect(client.username).toBe(HOST_USERNAME);
    const { rows } = await client.run<{ n: number }>('RETURN 1 AS n');
    expect(rows).toEqual([{ n: 1 }]);
    await client.run(`USE \`${DB1}\` RETURN 1 AS n`);

    const clients = createUserQueryClients({ ...world });
    await clients.run('u2', 'RETURN 1 AS n');
    expect(seen.map(({ url, authorization }) => [url, authorization])).toEqual([
      [`${ORIGIN}/db/${DB1}/query/v2`, BASIC],
      [`${ORIGIN}/db/${DB1}/query/v2`, BASIC],
      [`${ORIGIN}/db/${DB2}/query/v2`, BASIC],
    ]);
    expect(JSON.stringify(client)).not.toContain(HOST_PASSWORD);
    await clients.closeAll();
  });

  it('refuses USE of another database and administration commands; nothing is posted', async () => {
    const seen = answerAll();
    const world = await hostedWorld();
    const client = await createQueryClientForUser('u1', world);
    for (const statement of [
      'use other MATCH (n) RETURN n',
      'USE `other` MATCH (n) RETURN n',
      `MATCH (n) CALL { USE ${DB2} MATCH (m) RETURN m } RETURN n`,
      'SHOW DATABASES',
    ]) {
      await expect(client.run(statement)).rejects.toBeInstanceOf(UserDatabaseScopeError);
    }
    expect(seen).toEqual([]);
  });

  it('refuses a database option naming another database', async () => {
    const world = await hostedWorld();
    const error = await createQueryClientForUser('u1', { ...world, database: DB2 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserDatabaseScopeError);
    expect(error).toMatchObject({ violation: 'database_option', requested: DB2, database: DB1 });
    await expect(
      createUserQueryClients({ ...world, database: 'system' }).queryClientFor('u1'),
    ).rejects.toMatchObject({ code: 'database_scope' });
    // The own database, named, is fine.
    const own = await createQueryClientForUser('u1', { ...world, database: DB1 });
    expect(own.endpoint).toBe(`${ORIGIN}/db/${DB1}/query/v2`);
  });

  it('createUserClients: queryClientFor shares the host lookup with the drivers', async () => {
    answerAll();
    const world = await hostedWorld();
    const clients = createUserClients({ ...world, ...recordingDriverFactory() });
    await clients.driverFor('u1');
    const client = await clients.queryClientFor('u2');
    await client.run('RETURN 1 AS n');
    expect(world.counts.listHosts).toBe(1);
    await clients.closeAll();
  });
});
