/**
 * Against a real Neo4j or Aura instance, when one is named:
 *
 *   NEO4J_TEST_URI=neo4j+s://<id>.databases.neo4j.io NEO4J_TEST_USERNAME=<id> \
 *   NEO4J_TEST_PASSWORD=... npx vitest run test/client-factory/live
 *
 * Optional: NEO4J_TEST_DATABASE (default: the home database over Bolt, `neo4j`
 * over HTTP), NEO4J_TEST_QUERY_ORIGIN (the Query API origin, when it is not
 * derived from the URI: `http://localhost:7474` for a local server).
 */
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserClientError } from '../../src/client-factory/errors.js';
import { createUserClients, type UserClients } from '../../src/neo4j.js';
import { newRecord } from '../../src/records/record.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';
import { KEY } from '../provisioning/harness.js';

const env = process.env;
const missing = ['NEO4J_TEST_URI', 'NEO4J_TEST_USERNAME', 'NEO4J_TEST_PASSWORD'].filter(
  (name) => !env[name],
);
const live = missing.length === 0;
const USER = 'live-test-user';

async function clientsFor(password: string): Promise<UserClients> {
  const store = new MemoryCredentialStore();
  const cipher = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });
  const { record } = await store.claim(newRecord(USER, 'ap-live'));
  await store.update(USER, record.version, {
    status: 'ready',
    connectionUrl: env.NEO4J_TEST_URI ?? null,
    username: env.NEO4J_TEST_USERNAME ?? null,
    encryptedPassword: await cipher.encrypt(password, USER),
    databaseName: env.NEO4J_TEST_DATABASE ?? null,
  });
  const origin = env.NEO4J_TEST_QUERY_ORIGIN;
  return createUserClients({
    store,
    cipher,
    ...(origin && { queryApiOrigin: () => origin }),
  });
}

describe.runIf(live)(`live Neo4j at ${env.NEO4J_TEST_URI}`, () => {
  const opened: UserClients[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((clients) => clients.closeAll()));
  });

  it('runs a query over Bolt with the stored credentials', async () => {
    const clients = await clientsFor(env.NEO4J_TEST_PASSWORD ?? '');
    opened.push(clients);
    const { records } = await clients.run(USER, 'RETURN $x AS x', { x: 42 });
    expect(neo4j.integer.toNumber(records[0]?.get('x'))).toBe(42);
    await (await clients.driverFor(USER)).verifyConnectivity();
  });

  it('runs a query over the Query API with the same record', async () => {
    const clients = await clientsFor(env.NEO4J_TEST_PASSWORD ?? '');
    opened.push(clients);
    const client = await clients.queryClientFor(USER);
    const { rows } = await client.run<{ x: number }>('RETURN $x AS x', { x: 42 });
    expect(rows).toEqual([{ x: 42 }]);
  });

  it('maps a syntax error and a wrong password to typed errors over the Query API', async () => {
    const good = await clientsFor(env.NEO4J_TEST_PASSWORD ?? '');
    const bad = await clientsFor('not-the-password');
    opened.push(good, bad);
    const syntax = await (await good.queryClientFor(USER)).run('RETRN 1').catch((e: unknown) => e);
    expect(syntax).toMatchObject({
      code: 'query_failed',
      neo4jCode: 'Neo.ClientError.Statement.SyntaxError',
    });
    const refused = await (await bad.queryClientFor(USER)).run('RETURN 1').catch((e: unknown) => e);
    expect(isUserClientError(refused, 'unauthorized')).toBe(true);
  });
});

describe.skipIf(live)('live Neo4j', () => {
  it.skip(`skipped: set ${missing.join(', ')} (see test/client-factory/live.test.ts) to run against a real Neo4j or Aura`, () => {});
});
