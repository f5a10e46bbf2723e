import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoltMessage,
  type FakeBoltServer,
  startFakeBoltServer,
} from './client-factory/fake-bolt-server.js';
import { type GuideStep, guideSteps, installBuiltPackage } from './support/guide-files.js';

// Every guide's files, saved verbatim into one folder (as a reader following the guides in order
// has them) beside the built package, and its shell steps run in order: `npx aura-provisioner`
// is the built CLI, `dev` a child process on free ports, `node <file>` a child process that must
// print what the guide says and end by itself (a server: start, then stop on Ctrl-C). Each `dev`
// line gets a `dev` of its own, fresh; the next one boots while the steps before it run.

/** What a command prints: on stdout when it ends, or (a server) once it is up. */
interface Expectation {
  stdout?: RegExp;
  /** A server: the line that says it is up; it runs until the guide's end, then gets SIGINT. */
  up?: RegExp;
}

const USER = '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e';
/** The webhooks guide's user: another, so the signup is new even after the earlier guides. */
const SIGNUP = '2d4e6f80-1a3b-4c5d-8e7f-9a0b1c2d3e4f';
/**
 * The user `dev --neo4j` makes its Aura answer for every instance, in place of the guide's
 * `neo4j`: a client that assumed `neo4j` instead of the user Aura returned would show.
 */
const AURA_USER = 'aura-user-7b0c';
const URL_OF_INSTANCE = /neo4j\+s:\/\/[0-9a-f]{8}\.databases\.neo4j\.io/.source;
/** A guide's line that starts `dev` (`dev signup` is a command against it). */
const DEV_LINE = /^npx aura-provisioner dev(?! signup)/;

/** The README and the guides, in the order a reader follows them, and what each step prints. */
const GUIDES: Record<string, Record<string, Expectation>> = {
  'README.md': {
    'node quick-start.mjs': {
      stdout: new RegExp(
        `^(not-found|creating) after 0s\n[\\s\\S]*running ${URL_OF_INSTANCE} neo4j true\n$`,
      ),
    },
    'node provision.mjs': { stdout: new RegExp(`^ready ${URL_OF_INSTANCE}\n$`) },
  },
  'docs/guides/aura-client.md': {
    'node tenants.mjs': { stdout: /^tenant-1 Dev tenant\n$/ },
  },
  'docs/guides/testing.md': {
    'node aura-fake.mjs': { stdout: /^running\n$/ },
  },
  'docs/guides/provisioning.md': {
    'node setup.mjs': { stdout: /^ready ap-t[0-9a-z]{25} true\n$/ },
    'node signup.mjs': { stdout: new RegExp(`^ready ${URL_OF_INSTANCE}\\n$`) },
    [`npx aura-provisioner status ${USER}`]: { stdout: /\bready\b/ },
  },
  'docs/guides/clients.md': {
    'node clients.mjs': { stdout: /^n = 1 true\n$/ },
    'node client-for-user.mjs': { stdout: /^n = 1\n$/ },
    'node shared-host.mjs': { stdout: /^n = 1 on \S+ ; USE neo4j refused \(use_clause\)\n$/ },
    'node query.mjs': { stdout: /^n = 1\n$/ },
  },
  'docs/guides/webhooks.md': {
    'node server.mjs': { up: /^listening on http:\/\/localhost:\d+$/m },
    [`npx aura-provisioner dev signup ${SIGNUP}`]: {
      stdout: new RegExp(`^202 \\{"userId":"${SIGNUP}","status":"pending"\\}$`, 'm'),
    },
    [`npx aura-provisioner status ${SIGNUP} --watch`]: { stdout: /\bready\b/ },
  },
  'docs/guides/multi-database.md': {
    'node v2.mjs': { stdout: /^[\w-]+ 2\n$/ },
    'node hosts.mjs': { stdout: new RegExp(`^[\\w-]+ on ${URL_OF_INSTANCE}\\n$`) },
  },
  'docs/guides/several-processes.md': {
    'node worker.mjs': { up: /^working$/m },
    'node signups.mjs': { stdout: /^ready ready ready ready\n$/ },
  },
};

/** What a guide's `dev` logged (one line a request), checked once the guide has run. */
const DEV_LOGS: Record<string, (log: string) => void> = {
  'docs/guides/several-processes.md': (log) => {
    // Four users, each created once, by three processes sharing one token.
    expect(log.match(/ POST \/v1\/instances 202$/gm), log).toHaveLength(4);
    expect(log.match(/ POST \/oauth\/token 200$/gm), log).toHaveLength(1);
  },
};

/** A request the Query API stub answered. */
interface QueryRequest {
  path: string;
  authorization: string | undefined;
  statement: unknown;
}

/**
 * Neo4j's Query API, just enough for `dev --neo4j http://...`: every `POST
 * /db/<database>/query/v2` answers one row, `n = 1`, as Neo4j does (202), and is recorded.
 */
async function startQueryApiStub(): Promise<{
  port: number;
  requests: QueryRequest[];
  server: Server;
}> {
  const requests: QueryRequest[] = [];
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !/^\/db\/[^/]+\/query\/v2$/.test(request.url ?? '')) {
        response.writeHead(404).end();
        return;
      }
      requests.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        statement: (JSON.parse(body) as { statement?: unknown }).statement,
      });
      response
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { fields: ['n'], values: [[1]] }, bookmarks: ['FB:guide'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, requests, server };
}

/** Whether Node finds package `name` from `dir`: a node_modules/<name> there or above. */
function installedFrom(dir: string, name: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules', name, 'package.json'))) return true;
    if (dirname(at) === at) return false;
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A child process with its output gathered. */
function start(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd, env });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exit };
}
type Started = ReturnType<typeof start>;

/** Polls (real time) until the output matches, the process ends, or `ms` pass. */
async function waitForOutput(run: Started, pattern: RegExp, ms: number): Promise<void> {
  let ended = false;
  void run.exit.then(() => (ended = true));
  const until = Date.now() + ms;
  while (!pattern.test(run.output.stdout)) {
    if (ended || Date.now() > until) {
      throw new Error(`no ${pattern} in:\n${run.output.stdout}\n${run.output.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The exit code, or a failure naming the command if it has not ended within `ms`. */
async function exitWithin(run: Started, what: string, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(
        new Error(
          `${what} did not end within ${ms} ms:\n${run.output.stdout}\n${run.output.stderr}`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([run.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('The guides, file by file, as written, against `aura-provisioner dev`', () => {
  let root: string;
  let remove: () => Promise<void>;
  let bolt: FakeBoltServer;
  let queryApi: Awaited<ReturnType<typeof startQueryApiStub>>;
  let cli: string;
  const saved = new Set<string>();
  /** What each guide's files sent the fake Bolt server. */
  const boltMessages: Record<string, BoltMessage[]> = {};
  /** What each command that ends printed, by its line. */
  const printed: Record<string, string> = {};
  const timings: string[] = [];
  /** Each guide's port for its app (`PORT`), picked once. */
  const ports = new Map<string, Promise<number>>();
  const portOf = (guide: string) => {
    if (!ports.has(guide)) ports.set(guide, freePort());
    return ports.get(guide) as Promise<number>;
  };
  /** `dev` runs in a shell of its own: this one. */
  const devShell = async (guide: string): Promise<Record<string, string>> => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(await portOf(guide)),
  });
  /** Every guide's `dev` lines, in the order they run; `run` once started. */
  const devs: { guide: string; line: string; run?: Promise<Started> }[] = [];
  const launch = (entry: (typeof devs)[number]) => {
    // The guide's flags; free ports; a `--neo4j` server is the fake Bolt server.
    const args = entry.line
      .split(/\s+/)
      .slice(2)
      .map((word) =>
        word.replace(
          /\/\/[^:/@]+:([^@]+)@localhost:(7687|7474)$/,
          (_, password: string, port: string) =>
            `//${AURA_USER}:${password}@127.0.0.1:${port === '7687' ? new URL(bolt.url).port : queryApi.port}`,
        ),
      );
    entry.run ??= devShell(entry.guide).then((shell) =>
      start([cli, ...args, '--port', '0', '--pg-port', '0'], root, shell),
    );
    return entry.run;
  };
  /**
   * A fresh `dev` for `line` of `guide` (started ahead, or now), and the next guide line's `dev`
   * started booting; one left behind by a guide that failed is stopped.
   */
  async function takeDev(guide: string, line: string): Promise<Started> {
    const at = devs.findIndex((entry) => entry.guide === guide && entry.line === line);
    expect(at, `${guide}: \`${line}\` not among the dev lines`).toBeGreaterThanOrEqual(0);
    const [entry, ...skipped] = devs.splice(0, at + 1).reverse();
    for (const left of skipped) void left.run?.then((run) => run.child.kill('SIGKILL'));
    const run = launch(entry as (typeof devs)[number]);
    if (devs[0]) void launch(devs[0]);
    return run;
  }

  beforeAll(async () => {
    ({ root, remove } = await installBuiltPackage());
    cli = join(root, 'node_modules', 'aura-provisioner', 'dist', 'cli.js');
    bolt = await startFakeBoltServer();
    queryApi = await startQueryApiStub();
    for (const guide of Object.keys(GUIDES)) {
      for (const step of await guideSteps(guide)) {
        if (step.kind === 'command' && DEV_LINE.test(step.line))
          devs.push({ guide, line: step.line });
      }
    }
    if (devs[0]) void launch(devs[0]);
  }, 180_000);
  afterAll(async () => {
    for (const left of devs.splice(0)) (await left.run)?.child.kill('SIGKILL');
    await bolt?.close();
    queryApi?.server.close();
    await remove?.();
    if (timings.length > 0) console.info(timings.join('\n'));
  });

  /**
   * Runs one guide's steps in order; every process it started has ended when it returns, with
   * what its `dev` printed.
   */
  async function runGuide(guide: string, expected: Record<string, Expectation>): Promise<string> {
    const steps: GuideStep[] = await guideSteps(guide);
    expect(steps.length, `${guide} has no titled blocks`).toBeGreaterThan(0);
    // The files run in a shell where what `dev` printed is exported.
    let env = await devShell(guide);
    let dev: Started | undefined;
    let devLog = '';
    const servers: { run: Started; line: string }[] = [];
    const ran = new Set<string>();
    const stopDev = async () => {
      if (!dev) return;
      const stopping = dev;
      dev = undefined;
      stopping.child.kill('SIGINT');
      const code = await exitWithin(stopping, 'dev', 10_000);
      devLog += stopping.output.stdout;
      expect(code, `dev:\n${stopping.output.stdout}\n${stopping.output.stderr}`).toBe(0);
    };
    try {
      for (const step of steps) {
        if (step.kind === 'file') {
          // One folder for every guide: a name saved twice would overwrite another guide's file.
          expect(saved.has(step.name), `${step.name} saved twice`).toBe(false);
          saved.add(step.name);
          await writeFile(join(root, step.name), step.code);
          continue;
        }
        const { line } = step;
        const words = line.split(/\s+/);
        const started = Date.now();
        if (line.startsWith('npm install ')) {
          // Installed here already: each package the guide installs is found from the folder,
          // as Node looks for it (node_modules/<name> in the folder or one above it).
          for (const name of words.slice(2).filter((word) => !word.startsWith('-'))) {
            expect(installedFrom(root, name), `${line}: ${name}`).toBe(true);
          }
          continue;
        }
        if (DEV_LINE.test(line)) {
          await stopDev();
          dev = await takeDev(guide, line);
          await waitForOutput(dev, /^Requests/m, 60_000);
          const exported = [...dev.output.stdout.matchAll(/^export (\w+)=(.*)$/gm)];
          env = {
            ...env,
            ...Object.fromEntries(exported.map(([, name, value]) => [name ?? '', value ?? ''])),
          };
          expect(env.DATABASE_URL, 'dev printed a DATABASE_URL').toBeDefined();
          timings.push(`${guide}: ${line} up in ${Date.now() - started} ms`);
          continue;
        }
        const expectation = expected[line];
        expect(expectation, `${guide}: no expectation for \`${line}\``).toBeDefined();
        ran.add(line);
        const args =
          words[0] === 'node'
            ? words.slice(1)
            : words[0] === 'npx' && words[1] === 'aura-provisioner'
              ? [cli, ...words.slice(2)]
              : undefined;
        expect(
          args,
          `${guide}: \`${line}\` is neither node nor npx aura-provisioner`,
        ).toBeDefined();
        const run = start(args ?? [], root, env);
        if (expectation?.up) {
          await waitForOutput(run, expectation.up, 30_000);
          servers.push({ run, line });
        } else {
          const code = await exitWithin(run, line, 60_000);
          expect(code, `${line}:\n${run.output.stdout}\n${run.output.stderr}`).toBe(0);
          if (expectation?.stdout) expect(run.output.stdout, line).toMatch(expectation.stdout);
          printed[line] = run.output.stdout;
        }
        timings.push(`${guide}: ${line} in ${Date.now() - started} ms`);
      }
      expect([...ran].sort(), `${guide}: steps expected but not in the guide`).toEqual(
        Object.keys(expected).sort(),
      );
      // Ctrl-C ends a server: it closes its pool and provisioner and exits by itself.
      for (const { run, line } of servers.splice(0)) {
        run.child.kill('SIGINT');
        expect(await exitWithin(run, `${line} after Ctrl-C`, 10_000)).toBe(0);
      }
      await stopDev();
    } finally {
      for (const { run } of servers) run.child.kill('SIGKILL');
      // After a failure, dev's own exit code says less than the failure: stop it, keep the failure.
      await stopDev().catch(() => {});
    }
    return devLog;
  }

  for (const [guide, expected] of Object.entries(GUIDES)) {
    it(guide, async () => {
      const from = bolt.messages.length;
      const log = await runGuide(guide, expected);
      boltMessages[guide] = bolt.messages.slice(from);
      DEV_LOGS[guide]?.(log);
    }, 240_000);
  }

  it('clients.md logged in as the user Aura returned, with its password, on the recorded database (a hosted user: its own)', () => {
    const messages = boltMessages['docs/guides/clients.md'] ?? [];
    const logons = messages.filter((message) => message.name === 'LOGON');
    expect(logons.length).toBeGreaterThan(0);
    for (const logon of logons) {
      expect(logon.fields[0]).toMatchObject({
        scheme: 'basic',
        principal: AURA_USER,
        credentials: 'devpassword',
      });
    }
    // An instance of the user's own: the record names no database, so the home one (no `db`);
    // the hosted user (shared-host.mjs): its own database on the host, and nothing else sent.
    const hosted = /^n = 1 on (\S+) /.exec(printed['node shared-host.mjs'] ?? '')?.[1];
    expect(hosted).toMatch(/\S/);
    const opened = messages
      .filter((message) => message.name === 'BEGIN' || message.name === 'RUN')
      .map((message) => (message.fields[message.name === 'RUN' ? 2 : 0] as { db?: string }).db);
    expect(new Set(opened)).toEqual(new Set([undefined, hosted]));
    const statements = messages.filter((m) => m.name === 'RUN').map((m) => m.fields[0]);
    expect(statements.filter((statement) => String(statement).includes('USE '))).toEqual([]);
  });

  it('clients.md posted to the Query API that `dev --neo4j` names, as the user Aura returned, on the recorded database', () => {
    // An instance of the user's own: the record names no database, so the default, `neo4j`.
    expect(queryApi.requests).toEqual([
      {
        path: '/db/neo4j/query/v2',
        authorization: `Basic ${Buffer.from(`${AURA_USER}:devpassword`).toString('base64')}`,
        statement: 'RETURN 1 AS n',
      },
    ]);
  });
});
