// The scope check of users on a shared host, against dist/: what it adds to a call. One hosted
// user and one user with an instance of their own, each behind a stub driver whose
// `executeQuery` answers at once (no socket), so the difference between the two is the check
// and the facade. `node bench/scope-check.mjs` after `npm run build` runs this part alone.
import { fileURLToPath } from 'node:url';
import {
  createAesGcmCipher,
  generateAesGcmKey,
  MemoryCredentialStore,
  newRecord,
} from '../dist/index.js';
import { createUserClients } from '../dist/neo4j.js';
import { timeCalls } from './timing.mjs';

const HOSTED_DB = 'ap-u0000007oizyxc9ipowcnntkhs';

/** A driver that opens nothing: `executeQuery` resolves at once. */
const stubDriver = () => ({
  executeQuery: async () => ({ keys: [], records: [], summary: {} }),
  session: () => ({ close: async () => {} }),
  close: async () => {},
});

/** A store with a hosted user `hosted` and a user `own` with an instance of their own. */
async function seed() {
  const store = new MemoryCredentialStore();
  const cipher = createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' });
  const hostName = 'ap-host-h0000001';
  await store.claimHost({
    hostName,
    status: 'ready',
    instanceId: 'h0000001',
    connectionUrl: 'neo4j+s://h0000001.databases.neo4j.io',
    username: 'h0000001',
    encryptedPassword: await cipher.encrypt('host-password', `host:${hostName}`),
    capacity: 100,
    used: 2,
    attempts: 0,
    lastError: null,
    nextCheckAt: null,
    createRequestedAt: null,
    readyAt: 0,
  });
  const put = async (userId, fields) => {
    const { record } = await store.claim(newRecord(userId, `ap-${userId}`));
    await store.update(userId, record.version, { status: 'ready', ...fields });
  };
  await put('hosted', {
    instanceId: 'h0000001',
    connectionUrl: 'neo4j+s://h0000001.databases.neo4j.io',
    username: 'h0000001',
    encryptedPassword: null,
    databaseName: HOSTED_DB,
  });
  await put('own', {
    instanceId: 'a1b2c3d4',
    connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
    username: 'a1b2c3d4',
    encryptedPassword: await cipher.encrypt('own-password', 'own'),
  });
  return { store, cipher };
}

/** A typical application statement, made distinct by `i` (a new text: the cache misses). */
const statement = (i) =>
  `MATCH (u:User {id: $id})-[:OWNS]->(t:Todo) WHERE t.done = false AND t.title CONTAINS 'x${i}' ` +
  `WITH t ORDER BY t.createdAt DESC LIMIT 20 RETURN t.title AS title, t.createdAt AS createdAt // ${i}`;

/** A long statement (about 4 KB: a generated batch import), distinct by `i`. */
const longStatement = (i) =>
  `UNWIND $rows AS row ${Array.from(
    { length: 40 },
    (_, k) => `MERGE (n${k}:Item {id: row.id${k}}) SET n${k}.name = 'item ${k} of ${i}'`,
  ).join(' ')} RETURN count(*) AS n`;

/**
 * `executeQuery` on a cached user's driver, `calls` sequential awaited calls after warm-up:
 * the same statement each time and a new one each time, for the hosted user and the user
 * with an instance of their own.
 */
export async function measureScopeCheck(calls = 100_000) {
  const { store, cipher } = await seed();
  const clients = createUserClients({ store, cipher, createDriver: stubDriver });
  const hosted = await clients.driverFor('hosted');
  const own = await clients.driverFor('own');
  const same = statement(0);
  let n = 1;
  const cases = {
    'instance per user, repeated': () => own.executeQuery(same),
    'hosted, repeated': () => hosted.executeQuery(same),
    'instance per user, new': () => own.executeQuery(statement(n++)),
    'hosted, new': () => hosted.executeQuery(statement(n++)),
    'hosted, new 4 KB': () => hosted.executeQuery(longStatement(n++)),
  };
  const results = {};
  for (const [label, run] of Object.entries(cases)) {
    const count = label.endsWith('4 KB') ? calls / 10 : calls;
    for (let i = 0; i < count / 10; i++) await run(); // warm-up
    results[label] = await timeCalls(count, run);
  }
  await clients.closeAll();
  return results;
}

export function formatScopeCheck(results) {
  const lines = [
    '\n# Scope check of hosted users: driver.executeQuery on a stub driver (100,000 sequential awaited calls, 10,000 for 4 KB; targets p99 ≤ 50 µs repeated, ≤ 5 ms new)',
  ];
  for (const [label, r] of Object.entries(results)) {
    lines.push(
      `  ${label.padEnd(28)} ${r.callsPerSec} calls/s, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs, max ${r.maxUs} µs`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatScopeCheck(await measureScopeCheck()));
}
