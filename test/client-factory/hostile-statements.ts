/**
 * Statements a user on a shared host must not get past the scope check, by
 * class, and ordinary Cypher it must let through. Written with `\\u` where
 * the statement itself holds a backslash escape (what Neo4j decodes), and
 * with `\u` where it holds the character.
 */

/** The hosted user's own database and a neighbour's, as in the other hosted tests. */
export const OWN_DB = 'ap-u0000007oizyxc9ipowcnntkhs';
export const OTHER_DB = 'ap-u0000008qp3m1v0zsa2hd7k5r';

const TARGETS = ['other', `\`${OTHER_DB}\``, 'system', 'neo4j'];

/** A `USE` of another graph wherever a clause may stand (Cypher 5 and 25). */
const usePositions = (target: string) => [
  `USE ${target} MATCH (n) RETURN n`,
  `EXPLAIN USE ${target} MATCH (n) RETURN n`,
  `CYPHER runtime=parallel USE ${target} MATCH (n) RETURN n`,
  `MATCH (n) CALL { USE ${target} MATCH (m) RETURN m } RETURN n`,
  `UNWIND [1] AS x CALL { WITH x USE ${target} MATCH (m) RETURN m } RETURN m`,
  `UNWIND [1] AS x CALL (x) { USE ${target} RETURN x AS y } RETURN y`,
  `RETURN 1 AS a UNION USE ${target} RETURN 2 AS a`,
  `RETURN 1 AS a NEXT USE ${target} RETURN 2 AS a`,
  `WHEN true THEN USE ${target} RETURN 1 AS a ELSE RETURN 2 AS a`,
  `MATCH (n) RETURN n; USE ${target} MATCH (m) RETURN m`,
  `MATCH (n) WITH n USE ${target} MATCH (m) RETURN m`,
];

const graphReferences = [
  'UNWIND [1] AS x CALL { WITH x USE (other) RETURN 1 AS y } RETURN y',
  'RETURN 1 AS a NEXT USE (other) RETURN 2 AS a',
  'WHEN true THEN USE (other) RETURN 1 AS a',
  "USE graph.byName('other') MATCH (n) RETURN n",
  'USE graph.byElementId($id) MATCH (n) RETURN n',
  'USE composite.other MATCH (n) RETURN n',
  'USE $db MATCH (n) RETURN n',
  `USE ${OWN_DB}.sub MATCH (n) RETURN n`,
  'CALL { WITH 1 AS as USE other MATCH (n) RETURN n } RETURN n',
  'WITH 1 AS as SHOW DATABASES',
];

/** Keywords and names written with escapes Neo4j decodes; strings and names closed early. */
const escapes = [
  '\\u0055SE other MATCH (n) RETURN n',
  '\\u0075se other MATCH (n) RETURN n',
  'U\\u0053E other RETURN 1',
  'MATCH (n) CALL { \\u0055SE other RETURN 1 AS x } RETURN x',
  'USE \\u006fther RETURN 1',
  'USE `\\u006fther` RETURN 1',
  '\\u0053HOW DATABASES',
  'MATCH (n) WITH n \\u0053HOW TRANSACTIONS',
  "ALTER CURRENT \\u0055SER SET PASSWORD FROM 'a' TO 'b'",
  "\\u0041LTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
  '\\u0047RANT ROLE admin TO bob',
  "RETURN 'a\\u0027 USE other MATCH (n) RETURN n //'",
  'RETURN "a\\u0022 USE other MATCH (n) RETURN n //"',
  "RETURN 'a\\u005c' USE other RETURN 1 //'",
  "RETURN 'a\\\\u0027 USE other RETURN 1 //'",
  'MATCH (`a\\u0060 USE other MATCH (m) RETURN m //`) RETURN 1',
  "RETURN 'a\\\\' USE other RETURN 1 //'",
  'RETURN "a\\\\" USE other RETURN 1 //"',
  "RETURN 'a\\x' USE other RETURN 1 //'",
  "RETURN 'a\\uzz' USE other RETURN 1 //'",
  "RETURN 'a\\U00000027' USE other RETURN 1",
  "RETURN 'a\\\\U00000027' USE other RETURN 1 //'",
];

/** Comments: Neo4j ends `//` at `\r` or `\n` only; escapes inside comments. */
const comments = [
  "// a\u2028'\nUSE other MATCH (n) RETURN n //'",
  "// a\u2029'\nUSE other MATCH (n) RETURN n //'",
  "// a\u0085'\nUSE other MATCH (n) RETURN n //'",
  "// a\u000b'\nUSE other MATCH (n) RETURN n //'",
  "// a\u000c'\nUSE other MATCH (n) RETURN n //'",
  '// a \\u000a USE other MATCH (n) RETURN n',
  '/* a \\u002a/ USE other MATCH (n) RETURN n //*/',
  '// comment\rUSE other RETURN 1',
  '/* c */USE other RETURN 1',
  '/* unterminated USE other RETURN 1',
];

/** Characters and forms a reader could take differently. */
const oddText = [
  'USE\u00a0other RETURN 1',
  'USE\u3000other RETURN 1',
  '\u001cUSE other RETURN 1',
  'USE\u000bother RETURN 1',
  'RETURN 1USE other MATCH (n) RETURN n',
  "RETURN 'unterminated USE other",
  'MATCH (`unterminated USE other RETURN 1',
  'MATCH (n) RETURN n\\USE other',
  'MATCH (caf\u00e9) USE other RETURN 1',
  "CYPHER 25 RETURN s'{COLLECT { USE other MATCH (n) RETURN n.x }}' AS x",
  'CYPHER 25 RETURN S"x{COUNT { SHOW TRANSACTIONS }}" AS y',
];

/** Administration commands, at the start and after other clauses. */
const administration = [
  'SHOW DATABASES',
  'show databases yield name',
  'SHOW DATABASE other',
  'SHOW HOME DATABASE',
  'SHOW USERS',
  'SHOW CURRENT USER',
  'SHOW ROLES',
  'SHOW PRIVILEGES',
  'SHOW SERVERS',
  'SHOW ALIASES',
  'SHOW SETTINGS',
  'SHOW TRANSACTIONS',
  'MATCH (n) WITH n SHOW TRANSACTIONS YIELD transactionId RETURN transactionId',
  "WITH 1 AS x TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
  'CALL { SHOW USERS YIELD user RETURN user } RETURN user',
  'CREATE DATABASE evil',
  'CREATE OR REPLACE DATABASE evil',
  'CREATE COMPOSITE DATABASE c',
  `DROP DATABASE \`${OTHER_DB}\``,
  'ALTER DATABASE other SET ACCESS READ ONLY',
  'START DATABASE other',
  'STOP DATABASE other',
  'CREATE ALIAS a FOR DATABASE other',
  "CREATE USER bob SET PASSWORD 'x'",
  'DROP USER bob',
  "ALTER USER neo4j SET PASSWORD 'x'",
  "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
  'RENAME USER a TO b',
  'CREATE ROLE r',
  'GRANT ROLE admin TO bob',
  'GRANT ACCESS ON DATABASE * TO PUBLIC',
  'DENY ACCESS ON DATABASE other TO r',
  'REVOKE ROLE r FROM bob',
  "ENABLE SERVER 'x'",
  "DEALLOCATE DATABASES FROM SERVER 'x'",
  'REALLOCATE DATABASES',
  'DRYRUN REALLOCATE DATABASES',
  'EXPLAIN SHOW DATABASES',
  'PROFILE CREATE DATABASE x',
  'CYPHER 5 SHOW USERS',
  'sHoW uSeRs',
  `USE ${OWN_DB} SHOW DATABASES`,
];

/** Procedures and functions that reach the server or run Cypher from a string; LOAD CSV. */
const calls = [
  'CALL dbms.components()',
  'CALL dbms.components YIELD name RETURN name',
  'CALL dbms.showCurrentUser()',
  'CALL dbms.security.listUsers()',
  'CALL dbms.listConfig()',
  "CALL dbms.killQuery('query-1')",
  "CALL apoc.cypher.run('USE other MATCH (n) RETURN n', {})",
  'CALL apoc.cypher.doIt("USE other CREATE (n)", {})',
  "CALL apoc.periodic.iterate('USE other MATCH (n) RETURN n', 'SET n.x = 1', {})",
  "RETURN apoc.cypher.runFirstColumnSingle('USE other MATCH (n) RETURN count(n)', {}) AS n",
  "WITH {a:apoc.cypher.runFirstColumnSingle('USE other RETURN 1', {})} AS m RETURN m",
  "CALL `apoc`.`cypher`.run('USE other RETURN 1', {})",
  "CALL `apoc.cypher.run`('USE other RETURN 1', {})",
  "RETURN `apoc.cypher.runFirstColumnSingle`('USE other RETURN 1', {}) AS x",
  "CALL APOC.CYPHER.RUN('USE other RETURN 1', {})",
  "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
  "LOAD CSV WITH HEADERS FROM 'https://example.com/x.csv' AS row RETURN row",
  'RETURN graph.names() AS names',
  "CALL apoc.export.csv.all('all.csv', {})",
  'OPTIONAL CALL dbms.components() YIELD name RETURN name',
  "CALL db.labels() YIELD label CALL apoc.cypher.run('USE other RETURN 1', {}) YIELD value RETURN value",
  "MATCH (n) WHERE n.x = x.apoc.cypher.runFirstColumnSingle('USE other RETURN 1', {}) RETURN n",
];

/** At least 100 statements, each of which must be refused for a hosted user. */
export const HOSTILE: readonly string[] = [
  ...TARGETS.flatMap(usePositions),
  ...graphReferences,
  ...escapes,
  ...comments,
  ...oddText,
  ...administration,
  ...calls,
];

/** Ordinary Cypher a hosted user runs: none of it may be refused. */
export const BENIGN: readonly string[] = [
  'MATCH (n) RETURN n',
  'MATCH (n:Person {name: $name}) RETURN n.age AS age',
  'CREATE (n:Todo {title: $title, done: false}) RETURN n',
  'MERGE (u:User {id: $id}) ON CREATE SET u.createdAt = datetime() RETURN u',
  'MATCH (a)-[r:KNOWS]->(b) WHERE a.name STARTS WITH "A" RETURN a, r, b LIMIT 10',
  'UNWIND $rows AS row MERGE (n:Item {id: row.id}) SET n += row.props',
  'MATCH (n) WITH n ORDER BY n.name SKIP 5 LIMIT 5 RETURN collect(n.name) AS names',
  'MATCH (n) CALL { WITH n MATCH (n)-[:HAS]->(m) RETURN count(m) AS c } RETURN n, c',
  'MATCH (n) CALL (n) { MATCH (n)-[:HAS]->(m) RETURN count(m) AS c } RETURN n, c',
  "MATCH (n:Note) WHERE n.text CONTAINS 'USE other' RETURN n",
  'MATCH (n:Note) WHERE n.text = "please USE system; SHOW DATABASES" RETURN n',
  "RETURN 'It\\'s \\\"quoted\\\" \\\\ and \\u00e9t\\u00e9' AS s",
  '// USE other\nMATCH (n) RETURN n',
  '/* SHOW DATABASES */ MATCH (n) RETURN n',
  'MATCH (n) // a trailing comment with USE other\r\nRETURN n',
  'MATCH (n:`USE other`) RETURN n.`weird name` AS w',
  'MATCH (n:Caf\u00e9) RETURN n'.replace('Caf\u00e9', '`Caf\u00e9`'),
  'RETURN { use: 1, show: 2, grant: 3 } AS m',
  'MATCH (use) RETURN use',
  'MATCH (n) RETURN n.use AS use ORDER BY use',
  'MATCH (n:Use)-[:USE]->(m) RETURN $use',
  'MATCH p = (a)-[*1..3]->(b) RETURN length(p) AS hops',
  'CREATE p = (a:A)-[:R]->(b:B) RETURN p',
  'MATCH (start)-[:NEXT]->(stop) RETURN start, stop',
  'CALL db.labels() YIELD label RETURN label',
  'CALL db.relationshipTypes()',
  'CALL db.schema.visualization()',
  "CALL db.index.fulltext.queryNodes('titles', $q) YIELD node, score RETURN node, score",
  'RETURN date.truncate("month", date()) AS d, duration.between(date(), date()) AS gap',
  'RETURN point.distance(point({x: 1, y: 2}), point({x: 3, y: 4})) AS dist',
  'CREATE INDEX todo_title IF NOT EXISTS FOR (t:Todo) ON (t.title)',
  'CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE',
  'DROP INDEX todo_title IF EXISTS',
  'SHOW INDEXES',
  'SHOW CONSTRAINTS',
  'SHOW PROCEDURES',
  'SHOW USER DEFINED FUNCTIONS',
  'MATCH (n) RETURN count(*) AS n, 0x1F AS hex, 1.5e3 AS sci, 1_000 AS big',
  'FOREACH (x IN range(1, 3) | CREATE (:N {v: x}))',
  'MATCH (n) WHERE n.x IN [1, 2] AND NOT n.y IS NULL RETURN n',
  `USE \`${OWN_DB}\` MATCH (n) RETURN n`,
  `CALL { USE \`${OWN_DB}\` RETURN 1 AS x } RETURN x`,
  'EXPLAIN MATCH (n) RETURN n',
  'MATCH (n) DETACH DELETE n',
  'WITH 1 AS use MATCH (n) WHERE `use` IN [1] RETURN n',
];
