// A differential check of the hosted users' scope check against Neo4j's own Cypher front-end
// (@neo4j-cypher/language-support, about 100 MB, so not a dependency: installed on demand into a
// temporary folder, node_modules untouched). For every statement the check lets through, the
// front-end must read no USE of another graph, no administration command and no call outside the
// default allowedCalls, unless it reads a syntax error (which Neo4j refuses anyway). Statements
// are the test corpus (test/client-factory/hostile-statements.ts) and mutations of it.
//
//   npm run build && node scripts/scope-oracle.mjs [mutations=5000] [seed=1]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createInsecurePlaintextCipher,
  createQueryClientForUser,
  MemoryCredentialStore,
  newRecord,
} from '../dist/index.js';
import { BENIGN, HOSTILE, OWN_DB } from '../test/client-factory/hostile-statements.ts';

const VERSION = '2.0.0-next.38';
const folder = join(tmpdir(), `aura-provisioner-scope-oracle-${VERSION}`);
const entry = join(folder, 'node_modules/@neo4j-cypher/language-support/dist/cjs/index.cjs');
if (!existsSync(entry)) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), '{"private":true}');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', `@neo4j-cypher/language-support@${VERSION}`],
    {
      cwd: folder,
      stdio: 'inherit',
    },
  );
}
const { getDebugTree, lintCypherQuery } = (await import(pathToFileURL(entry).href)).default;

/** A hosted user's Query API client whose fetch records what would be sent. */
async function hostedClient() {
  const store = new MemoryCredentialStore();
  const cipher = createInsecurePlaintextCipher();
  const hostName = 'ap-host-h0000001';
  await store.claimHost({
    hostName,
    status: 'ready',
    instanceId: 'h0000001',
    connectionUrl: 'neo4j+s://h0000001.databases.neo4j.io',
    username: 'h0000001',
    encryptedPassword: await cipher.encrypt('host', `host:${hostName}`),
    capacity: 10,
    used: 2,
    attempts: 0,
    lastError: null,
    nextCheckAt: null,
    createRequestedAt: null,
    readyAt: 0,
  });
  const { record } = await store.claim(newRecord('u1', 'ap-u1'));
  await store.update('u1', record.version, {
    status: 'ready',
    instanceId: 'h0000001',
    connectionUrl: 'neo4j+s://h0000001.databases.neo4j.io',
    username: 'h0000001',
    encryptedPassword: null,
    databaseName: OWN_DB,
  });
  let sent = 0;
  const fetch = async () => {
    sent++;
    return new Response('{"data":{"fields":[],"values":[]}}', { status: 202 });
  };
  const client = await createQueryClientForUser('u1', { store, cipher, fetch });
  return async (statement) => {
    const before = sent;
    await client.run(statement).catch(() => {});
    return sent > before;
  };
}

const leaves = (t) => (t.children.length === 0 ? [t.name] : t.children.flatMap(leaves));
const walk = (t, visit) => {
  visit(t);
  for (const child of t.children) walk(child, visit);
};
const ADMIN = /^(command|composableCommandClauses)$/;
const SAFE_COMMANDS =
  /^(createIndex|createConstraint|dropIndex|dropConstraint|showIndexCommand|showConstraintCommand|showFunctions|showProcedures)$/;
const ALLOWED_CALL =
  /^([A-Za-z_][A-Za-z0-9_]*|db\.(labels|relationshipTypes|propertyKeys|schema\..*|index\..*|awaitIndex|awaitIndexes|info|ping|nameFromElementId)|(point|date|datetime|localdatetime|time|localtime|duration|vector)\..*)$/i;

/** What the front-end reads in `statement` that the check must have refused; `null` on a syntax error. */
function dangers(statement) {
  if (lintCypherQuery(statement, {}).diagnostics.some((d) => d.severity === 1)) return null;
  const found = [];
  walk(getDebugTree(statement), (node) => {
    if (node.name === 'useClause') {
      const graph = leaves(node).slice(1).join('').replaceAll('`', '');
      if (graph.toLowerCase() !== OWN_DB) found.push(`USE ${graph}`);
    }
    if (ADMIN.test(node.name)) {
      const kinds = node.children
        .flatMap((c) => (c.name === 'useClause' ? [] : [c]))
        .flatMap((c) => [c, ...c.children]);
      if (!kinds.some((c) => SAFE_COMMANDS.test(c.name)))
        found.push(`command ${leaves(node).slice(0, 3).join(' ')}`);
    }
    if (node.name === 'procedureName' || node.name === 'functionName') {
      const name = leaves(node).join('');
      if (!ALLOWED_CALL.test(name)) found.push(`call ${name}`);
    }
    if (node.name === 'loadCSVClause') found.push('LOAD CSV');
  });
  return found;
}

const FRAGMENTS = [
  'USE other',
  'USE `other`',
  'USE (other)',
  'WITH n',
  'CALL {',
  '}',
  'NEXT',
  'UNION',
  ';',
  'SHOW TRANSACTIONS',
  'TERMINATE TRANSACTIONS',
  'AS use',
  'AS as',
  'use',
  "s'{",
  "}'",
  '//\n',
  '/* */',
  'RETURN 1',
  'FINISH',
  'EXISTS {',
  'WHEN true THEN',
  'ELSE',
  'CYPHER 25',
  'n.use',
  '$use',
  '{use: 1}',
  'SHOW USERS',
  'START DATABASE x',
  'dbms.components()',
  "apoc.cypher.run('x', {})",
];
let seed = Number(process.argv[3] ?? 1);
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const mutations = Array.from({ length: Number(process.argv[2] ?? 5000) }, () => {
  const base = [...BENIGN, ...HOSTILE][random(BENIGN.length + HOSTILE.length)];
  const words = base.split(' ');
  for (let k = 0; k <= random(2); k++)
    words.splice(random(words.length + 1), 0, FRAGMENTS[random(FRAGMENTS.length)]);
  return words.join(' ');
});

const sends = await hostedClient();
// The front-end must see the danger in the corpus, or this check proves nothing.
const seen = HOSTILE.filter((statement) => dangers(statement)?.length > 0).length;
console.log(
  `the front-end reads ${seen} of ${HOSTILE.length} hostile statements as valid and dangerous`,
);
if (seen < HOSTILE.length / 2)
  throw new Error('the front-end no longer reads the corpus as expected');
const tally = { statements: 0, sent: 0, sentAndValid: 0, holes: 0 };
for (const statement of [...HOSTILE, ...BENIGN, ...mutations]) {
  tally.statements++;
  if (!(await sends(statement))) continue;
  tally.sent++;
  const found = dangers(statement);
  if (found === null) continue;
  tally.sentAndValid++;
  if (found.length > 0) {
    tally.holes++;
    console.log(`sent, but Neo4j reads ${found.join(', ')}: ${JSON.stringify(statement)}`);
  }
}
console.log(tally);
process.exitCode = tally.holes === 0 ? 0 : 1;
