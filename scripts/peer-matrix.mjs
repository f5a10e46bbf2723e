// The peer matrix: runs each optional peer's tests against the oldest version of each major its
// range in package.json admits (the newest versions are the locked ones, which `npm test` runs).
// Installs with `npm install --no-save` (package.json and package-lock.json stay as they are,
// which is checked), then `npm install` puts node_modules back as the lock has it.
//
//   node scripts/peer-matrix.mjs           # every line below
//   node scripts/peer-matrix.mjs --list    # the lines, nothing installed
//
// Every `^x.y.z` in those peer ranges must have its line here, and every line must be the floor of
// one of them: widening a range means adding a line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTS = {
  express: ['test/adapters/express.test.ts'],
  'neo4j-driver': [
    'test/client-factory/driver.test.ts',
    'test/client-factory/cache.test.ts',
    'test/client-factory/shared.test.ts',
    'test/client-factory/errors.test.ts',
    'test/client-factory/hosted.test.ts',
    'test/client-factory/hosted-facade.test.ts',
    'test/client-factory/tenants-apart.test.ts',
    'test/readme-clients.test.ts',
  ],
  '@supabase/supabase-js': ['test/supabase', 'test/adapters/reconcile-signups.test.ts'],
  'pg-boss': [
    'test/pg-boss/scheduler.test.ts',
    'test/pg-boss/multi-process.test.ts',
    'test/postgres/idle-connection-drop.test.ts',
  ],
};

/** One line per version proven: [package, version]. */
const MATRIX = [
  ['express', '4.17.0'], // express.raw, which the tests mount in front of the router, came in 4.17
  ['express', '5.0.0'],
  ['neo4j-driver', '5.8.0'], // 5.7 packs omitted executeQuery parameters as undefined, and fails
  ['neo4j-driver', '6.0.0'],
  ['@supabase/supabase-js', '2.32.0'], // client.schema() came in 2.32
  // 12.35 (the release before 12.38) settles one attempt of a job ({ id, retryCount }), but five
  // concurrent schedules of one user were delivered up to four times there (3 runs in 4).
  ['pg-boss', '12.38.0'],
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readText = (file) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(readText('package.json'));

/** The floors (`^x.y.z`) of a peer range; anything else in it is refused. */
function floors(name) {
  const range = pkg.peerDependencies?.[name];
  if (!range) throw new Error(`${name} is not a peer dependency in package.json`);
  return range.split('||').map((part) => {
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(part.trim())?.[1];
    if (!floor) throw new Error(`${name}: the matrix reads only ^x.y.z ranges, not ${part.trim()}`);
    return floor;
  });
}

const problems = [];
for (const name of Object.keys(TESTS)) {
  const listed = MATRIX.filter(([n]) => n === name).map(([, version]) => version);
  for (const floor of floors(name)) {
    if (!listed.includes(floor)) problems.push(`${name}@${floor}: a floor of the range, no line`);
  }
  for (const version of listed) {
    if (!floors(name).includes(version))
      problems.push(`${name}@${version}: not a floor of the range`);
  }
}
for (const [name] of MATRIX) if (!TESTS[name]) problems.push(`${name}: no tests named`);
if (problems.length > 0) {
  console.error(`peer matrix and package.json disagree:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

// Rounds: each installs at most one version of each package, and runs those packages' tests.
const rounds = [];
for (const [name, version] of MATRIX) {
  let round = rounds.find((r) => !r.has(name));
  if (!round) {
    round = new Map();
    rounds.push(round);
  }
  round.set(name, version);
}

if (process.argv.includes('--list')) {
  rounds.forEach((round, i) => {
    console.log(`round ${i + 1}: ${[...round].map(([n, v]) => `${n}@${v}`).join(' ')}`);
  });
  process.exit(0);
}

const bin = join(root, 'node_modules', '.bin');
// The tools of the project (Node 24 from the devDependency) first, as under `npm run`.
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` };
const run = (command, args, options = {}) => {
  console.log(`$ ${command} ${args.join(' ')}`);
  const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (error) throw error;
  return status === 0;
};
const npm = (args) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error']);
const installed = (name) =>
  JSON.parse(readText(join('node_modules', name, 'package.json'))).version;

const manifests = ['package.json', 'package-lock.json'].map((file) => [file, readText(file)]);
const failed = [];
let restored = false;
try {
  for (const round of rounds) {
    const specs = [...round].map(([name, version]) => `${name}@${version}`);
    console.log(`== peers: ${specs.join(' ')}`);
    if (!npm(['install', '--no-save', ...specs])) throw new Error(`npm install ${specs} failed`);
    for (const [name, version] of round) {
      if (installed(name) !== version) {
        throw new Error(`${name}: ${installed(name)} installed, ${version} asked for`);
      }
    }
    const files = [...new Set([...round.keys()].flatMap((name) => TESTS[name]))];
    if (!run(join(bin, 'vitest'), ['run', ...files], { env })) failed.push(specs.join(' '));
  }
} finally {
  console.log('== peers: back to the locked versions');
  restored = npm(['install']) && run('npm', ['ls', '--all', '--silent']);
}

for (const [file, text] of manifests) {
  if (readText(file) !== text) failed.push(`${file} was changed`);
}
if (!restored) failed.push('node_modules is not back to the lock (npm install or npm ls failed)');
for (const name of Object.keys(TESTS)) {
  if (restored && installed(name) !== lockedVersion(name)) {
    failed.push(`${name}: ${installed(name)} left installed, the lock has ${lockedVersion(name)}`);
  }
}
if (failed.length > 0) {
  console.error(`peer matrix failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
console.log(`peer matrix passed: ${MATRIX.map(([n, v]) => `${n}@${v}`).join(', ')}`);

function lockedVersion(name) {
  return JSON.parse(readText('package-lock.json')).packages[`node_modules/${name}`]?.version;
}
