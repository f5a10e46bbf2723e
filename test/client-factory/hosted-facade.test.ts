import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { UserDatabaseScopeError } from '../../src/client-factory/errors.js';
import { createQueryClientForUser } from '../../src/client-factory/user-query-clients.js';
import { useHostServers } from './host-servers.js';
import { OTHER_DB, OWN_DB } from './hostile-statements.js';
import { clientsOver, createHostedWorld, HOST_PASSWORD } from './support.js';

const ORIGIN = 'https://h0000001.databases.neo4j.io';

/**
 * The path to the first string holding `secret` among everything reachable
 * from `root` by own properties (any key, enumerable or not, getters read)
 * and prototypes; `undefined` when none does.
 */
function pathToSecret(root: unknown, secret: string): string | undefined {
  const seen = new Set<unknown>([Object.prototype, Function.prototype]);
  const stack: [unknown, string][] = [[root, '$']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes(secret)) return path;
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      let found: unknown;
      try {
        found = Reflect.get(value, key);
      } catch {
        continue; // a getter that needs the driver's fields
      }
      stack.push([found, `${path}.${String(key)}`]);
    }
    stack.push([Object.getPrototypeOf(value), `${path}.__proto__`]);
  }
  return undefined;
}

const servers = useHostServers();

async function hostedUser() {
  const t = clientsOver(createHostedWorld());
  const host = await t.putHost('h0000001', { connectionUrl: servers.bolt.url });
  await t.putHostedUser('u1', host, OWN_DB);
  await t.putHostedUser('u2', host, OTHER_DB);
  return { ...t, driver: await t.clients.driverFor('u1') };
}

const runs = () => servers.bolt.messages.filter((message) => message.name === 'RUN');
const databases = () =>
  servers.bolt.messages
    .filter((message) => message.name === 'RUN' || message.name === 'BEGIN')
    .map((message) => (message.fields[message.name === 'RUN' ? 2 : 0] as { db?: string }).db)
    .filter((db) => db !== undefined);

describe('the text checked is the text sent', () => {
  it('a String object is read by its own value, whatever its toString and valueOf say', async () => {
    const { driver, clients } = await hostedUser();
    const hidden = Object.assign(new String('USE other MATCH (n) RETURN n'), {
      toString: () => 'RETURN 1',
      valueOf: () => 'RETURN 1',
    });
    await expect(driver.executeQuery(hidden as unknown as string)).rejects.toThrow(
      UserDatabaseScopeError,
    );
    const shown = Object.assign(new String('RETURN 1 AS n'), {
      toString: () => 'USE other RETURN 1 AS n',
      valueOf: () => 'USE other RETURN 1 AS n',
    });
    await driver.executeQuery(shown as unknown as string);
    expect(runs().map((message) => message.fields[0])).toEqual(['RETURN 1 AS n']);
    await clients.closeAll();
  });

  it('a query whose text getter changes between reads: read once, and that text sent', async () => {
    const { driver, clients } = await hostedUser();
    let reads = 0;
    const query = {
      get text() {
        reads++;
        return reads === 1 ? 'RETURN 1 AS n' : 'USE other MATCH (n) DETACH DELETE n';
      },
      parameters: {},
    };
    const session = driver.session();
    await session.run(query);
    await session.close();
    await driver.executeQuery({ text: 'RETURN 2 AS n', parameters: { a: 1 } });
    expect(runs().map((message) => [message.fields[0], message.fields[1]])).toEqual([
      ['RETURN 1 AS n', {}],
      ['RETURN 2 AS n', { a: 1 }],
    ]);
    expect(reads).toBe(1);
    await clients.closeAll();
  });

  it('a database option whose getter changes is read once: the session runs on the user database', async () => {
    const { driver, clients } = await hostedUser();
    let reads = 0;
    const config = {
      get database() {
        reads++;
        return reads === 1 ? OWN_DB : OTHER_DB;
      },
    };
    const session = driver.session(config);
    await session.run('RETURN 1 AS n');
    await session.close();
    reads = 0;
    await driver.executeQuery('RETURN 1 AS n', {}, config);
    expect(databases()).toEqual([OWN_DB, OWN_DB]);
    await clients.closeAll();
  });

  it('Query API: a statement object with toJSON is refused; a String is sent as its own value', async () => {
    const posted: unknown[] = [];
    servers.api.use(
      http.post(`${ORIGIN}/db/:database/query/v2`, async ({ request }) => {
        posted.push(((await request.json()) as { statement: unknown }).statement);
        return HttpResponse.json({ data: { fields: [], values: [] } }, { status: 202 });
      }),
    );
    const t = clientsOver(createHostedWorld());
    await t.putHostedUser('u1', await t.putHost('h0000001'), OWN_DB);
    const client = await createQueryClientForUser('u1', { store: t.store, cipher: t.cipher });
    const json = { toJSON: () => 'USE other MATCH (n) RETURN n', toString: () => 'RETURN 1' };
    await expect(client.run(json as unknown as string)).rejects.toMatchObject({
      violation: 'unreadable_statement',
    });
    const boxed = Object.assign(new String('RETURN 1'), { toJSON: () => 'USE other RETURN 1' });
    await client.run(boxed as unknown as string);
    expect(posted).toEqual(['RETURN 1']);
    expect(pathToSecret(client, HOST_PASSWORD)).toBeUndefined();
    await t.clients.closeAll();
  });
});

describe('a facade, not the host driver', () => {
  it("neo4j-driver's own methods called on the facade open nothing", async () => {
    const { driver, clients } = await hostedUser();
    const session = driver.session();
    const attempts = [
      () => neo4j.Driver.prototype.session.call(driver, { database: OTHER_DB }).run('RETURN 1'),
      () =>
        Object.getPrototypeOf(driver).executeQuery.call(
          driver,
          'RETURN 1',
          {},
          { database: OTHER_DB },
        ),
      () => neo4j.Session.prototype.run.call(session, 'USE other RETURN 1'),
      () => neo4j.Session.prototype.executeRead.call(session, (tx) => tx.run('RETURN 1')),
      () => neo4j.Session.prototype.beginTransaction.call(session).run('RETURN 1'),
      () => driver.rxSession({ database: OTHER_DB }),
    ];
    // neo4j-driver 5's unchecked transaction functions, called on the facade (6 has none).
    const legacy = neo4j.Session.prototype as unknown as Record<
      string,
      ((this: unknown, ...args: unknown[]) => unknown) | undefined
    >;
    for (const name of ['readTransaction', 'writeTransaction']) {
      const method = legacy[name];
      if (method)
        attempts.push(() =>
          method.call(session, (tx: { run: (q: string) => unknown }) =>
            tx.run('USE other RETURN 1'),
          ),
        );
    }
    for (const attempt of attempts) {
      await expect(async () => attempt()).rejects.toThrow();
    }
    expect(driver).toBeInstanceOf(neo4j.Driver);
    expect((session as unknown as Record<string, unknown>).readTransaction).toBeUndefined();
    expect((session as unknown as Record<string, unknown>).writeTransaction).toBeUndefined();
    expect((driver as unknown as Record<string, unknown>)._config).toBeUndefined();
    await session.close();
    expect(databases().filter((db) => db !== OWN_DB)).toEqual([]);
    expect(runs()).toEqual([]);
    await clients.closeAll();
  });

  it('nothing reachable from the client, its sessions, transactions or results holds the host password', async () => {
    const t = await hostedUser();
    const { driver } = t;
    const session = driver.session();
    const result = session.run('RETURN 1 AS n');
    await result;
    const pending = session.beginTransaction();
    const tx = await pending;
    const inTx = tx.run('RETURN 1 AS n');
    await inTx;
    await tx.commit();
    let managed: unknown;
    await session.executeRead((work) => {
      managed = work;
      return work.run('RETURN 1 AS n');
    });
    let transformed: unknown;
    const eager = await driver.executeQuery(
      'RETURN 1 AS n',
      {},
      {
        resultTransformer: async (given) => {
          transformed = given;
          return given.summary();
        },
      },
    );
    const reached = { driver, session, result, pending, tx, inTx, managed, transformed, eager };
    for (const [name, value] of Object.entries(reached)) {
      expect(pathToSecret(value, HOST_PASSWORD), name).toBeUndefined();
      expect(inspect(value, { depth: 6, showHidden: true }), name).not.toContain(HOST_PASSWORD);
    }
    // The walk finds the password where it is: in the host driver itself.
    expect(pathToSecret(t.made[0]?.driver, HOST_PASSWORD)).toMatch(/credentials/);
    await session.close();
    await t.clients.closeAll();
  });

  it("a user's client cannot be changed", async () => {
    const { driver, clients } = await hostedUser();
    const session = driver.session();
    expect(() => Object.assign(driver, { session: () => null })).toThrow(TypeError);
    expect(() => Object.assign(session, { run: () => null })).toThrow(TypeError);
    await session.close();
    await clients.closeAll();
  });
});
