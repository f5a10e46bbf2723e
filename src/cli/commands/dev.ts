import { PROVISIONING_DEFAULTS } from '../../provisioning/defaults.js';
import type { Command, CommandContext } from '../command.js';
import { devSignupUrl, runDevSignup } from '../dev-signup.js';
import { NO_EMBEDDED_STORE, openDevStore } from '../dev-store.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';

/**
 * Defaults of `aura-provisioner dev`: Aura's steps, shortened so that trying
 * the library takes seconds (real Aura: about 90 s to run an instance).
 */
export const DEV_DEFAULTS = {
  /** The fake's port: the same every run, so what a shell exported stays true (0: any free one). */
  port: 8687,
  /** The embedded PostgreSQL's port, when no DATABASE_URL is given (0: any free one). */
  pgPort: 8688,
  /** From create to `running`. */
  creationMs: 5_000,
  /** A multi-database instance's database (v2beta1), from create to `online`. */
  databaseCreationMs: 1_000,
  /** Like Aura, a GET right after create answers 404 for a moment. */
  notFoundAfterCreateMs: 1_000,
  transitionMs: {
    destroying: 2_000,
    pausing: 3_000,
    resuming: 5_000,
    updating: 2_000,
    restoring: 5_000,
    overwriting: 5_000,
    loading: 3_000,
    suspending: 3_000,
    snapshot: 3_000,
  },
  /** The fake takes any non-empty client id and secret: these are only something to export. */
  env: {
    AURA_CLIENT_ID: 'dev-client-id',
    AURA_CLIENT_SECRET: 'dev-client-secret',
    AURA_TENANT_ID: 'tenant-1',
    AURA_ORGANIZATION_ID: 'org-1',
    AURA_INSTANCE_TYPE: 'professional-db',
    AURA_INSTANCE_MEMORY: '1GB',
    AURA_INSTANCE_REGION: 'europe-west1',
    AURA_INSTANCE_CLOUD_PROVIDER: 'gcp',
  },
  /** What a database per user needs instead (hosts are Business Critical instances). */
  databasePerUserEnv: {
    AURA_PLACEMENT: 'database-per-user',
    AURA_INSTANCE_TYPE: 'business-critical',
    AURA_INSTANCE_MEMORY: '2GB',
  },
} as const;

/** The fake's one tenant for `dev`: the usual offers, and Business Critical ones for hosts. */
const DEV_TENANT_OFFERS = ['2GB', '4GB', '8GB', '16GB'].map((memory) => ({
  cloudProvider: 'gcp' as const,
  region: 'europe-west1',
  regionName: 'Belgium (europe-west1)',
  type: 'business-critical' as const,
  memory,
  storage: `${Number.parseInt(memory, 10) * 2}GB`,
  version: '5',
}));

/** 32 random bytes, base64. */
const randomBase64 = () =>
  Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64');

/** A fresh AES-256 key for `AURA_PROVISIONER_KEYS` (`k1=<base64>`). */
const newKeyList = () => `k1=${randomBase64()}`;

/** `--port <port>` (or `--pg-port`): 0–65535. */
export function parsePort(
  value: string | undefined,
  fallback: number = DEV_DEFAULTS.port,
  flag = '--port',
): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliUsageError(`${flag} "${value}" is not a port (0-65535; 0 picks a free one)`);
  }
  return port;
}

/** `--creation-ms <ms>`: a non-negative number of milliseconds. */
export function parseCreationMs(value: string | undefined): number {
  if (value === undefined) return DEV_DEFAULTS.creationMs;
  const ms = Number(value);
  if (value.trim() === '' || !Number.isFinite(ms) || ms < 0) {
    throw new CliUsageError(`--creation-ms "${value}" is not a number of milliseconds`);
  }
  return ms;
}

/**
 * `--neo4j <url>`: a Bolt URL with the user and password in it
 * (`bolt://neo4j:secret@localhost:7687`), or a Query API address
 * (`http://neo4j:secret@localhost:7474`, for the Query API clients alone); the
 * URL the instances answer is without them.
 */
export function parseNeo4j(
  value: string | undefined,
): { url: string; username: string; password: string } | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError('--neo4j is not a URL: give bolt://<user>:<password>@<host>:<port>');
  }
  if (!/^((bolt|neo4j)(\+s|\+ssc)?|https?):$/.test(url.protocol)) {
    throw new CliUsageError(
      '--neo4j takes a bolt:// or neo4j:// URL (with +s or +ssc, or not), or an http(s):// Query API address',
    );
  }
  const username = decodeURIComponent(url.username) || 'neo4j';
  const password = decodeURIComponent(url.password);
  if (password === '') {
    throw new CliUsageError(
      '--neo4j needs the password in the URL: bolt://<user>:<password>@<host>:<port>',
    );
  }
  url.username = '';
  url.password = '';
  return { url: url.href.replace(/\/$/, ''), username, password };
}

const clockTime = (date: Date) => date.toISOString().slice(11, 23);

/** Resolves when `signal` aborts; never without one (the process's Ctrl-C ends it then). */
const untilAborted = (signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });

async function runDev(context: CommandContext): Promise<ExitCode> {
  const port = parsePort(context.flags.port as string | undefined);
  const creationMs = parseCreationMs(context.flags['creation-ms'] as string | undefined);
  const neo4j = parseNeo4j(context.flags.neo4j as string | undefined);
  // Loaded here, not at the top: no other command carries the fake.
  const { createAuraMock } = await import('../../testing/aura-mock.js');
  const { listenLoopback } = await import('../../testing/loopback-server.js');
  const { DEFAULT_INSTANCE_CONFIGURATIONS } = await import('../../testing/options.js');
  const fake = createAuraMock({
    tenants: [
      {
        id: DEV_DEFAULTS.env.AURA_TENANT_ID,
        name: 'Dev tenant',
        instanceConfigurations: [...DEFAULT_INSTANCE_CONFIGURATIONS, ...DEV_TENANT_OFFERS],
      },
    ],
    creationTimeMs: creationMs,
    ...(neo4j ? { neo4j } : {}),
    databaseCreationTimeMs: DEV_DEFAULTS.databaseCreationMs,
    notFoundAfterCreateMs: DEV_DEFAULTS.notFoundAfterCreateMs,
    transitionMs: DEV_DEFAULTS.transitionMs,
  });
  const { out, io } = context;
  // With --json, stdout holds one document: the request lines go to stderr.
  const log = (text: string) => (out.json ? out.note(text) : out.line(text));
  // One line per request: method, path and status; never a header or a body (tokens live there).
  const logged = async (request: Request) => {
    const line = (status: string | number) =>
      `${clockTime(new Date())} ${request.method} ${new URL(request.url).pathname} ${status}`;
    try {
      const response = await fake.handle(request);
      log(line(response.type === 'error' ? 'dropped' : response.status));
      return response;
    } catch (error) {
      log(line('ended'));
      throw error;
    }
  };
  const server = await listenLoopback(logged, fake.baseUrl, { port }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new CliUsageError(`port ${port} is in use: pick another with --port (0: any free one)`);
    }
    throw error;
  });
  context.onClose(server.close);
  const { values } = context.config;
  const given = (context.flags['database-url'] as string | undefined) ?? values.databaseUrl;
  const store = await openDevStore(
    {
      databaseUrl: given,
      pgPort: parsePort(
        context.flags['pg-port'] as string | undefined,
        DEV_DEFAULTS.pgPort,
        '--pg-port',
      ),
      table: values.table ?? 'user_databases',
    },
    out,
  );
  if (store) context.onClose(store.close);
  // The CLI's first status read of a create then comes when the fake's instance runs.
  const env = {
    AURA_BASE_URL: server.url,
    ...DEV_DEFAULTS.env,
    // Yours if exported (records encrypted earlier stay readable), else a fresh key.
    AURA_PROVISIONER_KEYS: values.keys ?? newKeyList(),
    ...(store ? { DATABASE_URL: store.databaseUrl } : {}),
    AURA_EXPECTED_CREATION_MS: String(
      Math.min(Math.ceil(creationMs), PROVISIONING_DEFAULTS.poll.deadlineMs),
    ),
    // The app's webhook secrets (yours if exported): a Database Webhook's shared secret, and the
    // Standard Webhooks secret `dev signup` signs with.
    WEBHOOK_SECRET: context.env.WEBHOOK_SECRET ?? randomBase64().replace(/[+/=]/g, ''),
    AUTH_HOOK_SECRET: context.env.AUTH_HOOK_SECRET ?? `v1,whsec_${randomBase64()}`,
  };
  const storeLine = !store
    ? `PostgreSQL: ${NO_EMBEDDED_STORE}.`
    : store.kind === 'embedded'
      ? `PostgreSQL (embedded, in memory) on ${store.databaseUrl}, tables made.`
      : 'PostgreSQL: yours (DATABASE_URL), tables made where missing.';
  const lines = [
    `Aura fake on ${server.url}: instances run ${creationMs / 1000}s after create. Ctrl-C stops it (state is not kept).`,
    ...(neo4j
      ? [`Every instance stands for the Neo4j at ${neo4j.url} (its user and password).`]
      : []),
    storeLine,
    'Point the library or the CLI at them (another shell):',
    '',
    ...Object.entries(env).map(([name, value]) => `export ${name}=${value}`),
    '',
    '# For a database per user on shared hosts instead, also (commented out, so the block above',
    '# can be pasted whole):',
    ...Object.entries(DEV_DEFAULTS.databasePerUserEnv).map(([n, v]) => `# export ${n}=${v}`),
    '',
    'createProvisioner needs no poll setting for it: reads explore from 10 s after create until',
    'an instance is seen running (the CLI reads AURA_EXPECTED_CREATION_MS). With a shared rate',
    'limiter (aura-provisioner/pg-boss) there are no such reads: pass it as poll.expectedCreationMs.',
    '',
    `With your app's webhook up, \`aura-provisioner dev signup [<userId>]\` sends it a signed signup`,
    `(to ${devSignupUrl('$PORT')}, PORT default 3000; --url for another).`,
    '',
    'Requests (method, path, status):',
  ];
  // Straight to stdout, not through the redaction: these are the fake's own made-up values and
  // the key made for this run; a shell that exported them earlier would see them cut out.
  const document = {
    url: server.url,
    creationMs,
    env,
    databasePerUser: DEV_DEFAULTS.databasePerUserEnv,
  };
  io.stdout.write(out.json ? `${JSON.stringify(document, null, 2)}\n` : `${lines.join('\n')}\n`);
  await untilAborted(context.io.signal);
  out.note('Stopped.');
  return EXIT_CODES.ok;
}

/**
 * `dev [--port <port>] [--creation-ms <ms>]`: the Aura fake on loopback, until Ctrl-C;
 * `dev signup [<userId>] [--url <url>]`: a signed Supabase signup sent to the app.
 */
export const devCommand: Command = {
  name: 'dev',
  summary: 'run a local Aura fake to try the library and the CLI (no Aura account)',
  usage:
    'dev [--port <port>] [--creation-ms <ms>] [--database-url <url>] [--pg-port <port>] [--neo4j <bolt url>] | dev signup [<userId>] [--url <url>]',
  description: [
    "A whole local stack: aura-provisioner's stateful Aura fake (the one of",
    'aura-provisioner/testing) over HTTP on 127.0.0.1:8687 (--port), with fast timings',
    '(instances run 5 s after create, --creation-ms; databases of a multi-database instance',
    'are online after 1 s), and a store: your PostgreSQL (--database-url or DATABASE_URL), or',
    'an embedded one (PGlite, in memory) on 127.0.0.1:8688 (--pg-port), its tables made. The',
    'fake takes any client id and secret, and has one tenant, tenant-1 (organization org-1),',
    'which offers Business Critical hosts too. It prints everything the library and the CLI',
    'need, under the same names (AURA_*, DATABASE_URL, a fresh key in AURA_PROVISIONER_KEYS',
    'unless you exported one), then one line per request (method, path, status; never a',
    'token; on stderr with --json), until Ctrl-C. The fake forgets everything on a restart.',
    'With --neo4j bolt://<user>:<password>@<host>:<port> (a Neo4j you run, the official Docker',
    'image, say), every instance answers that URL, user and password, so the per-user clients',
    'reach a real database. With an http(s):// address instead (http://<user>:<password>@',
    '<host>:7474, a Neo4j 5 Query API), only the Query API clients reach it: neo4j-driver',
    'needs a Bolt URL.',
    'It also prints the webhook secrets for your app: WEBHOOK_SECRET (the x-webhook-secret',
    'header of a Database Webhook) and AUTH_HOOK_SECRET (Standard Webhooks), yours if exported.',
    '',
    'dev signup [<userId>] (in another shell, with what dev printed exported) sends your app',
    'the signup a Supabase Database Webhook on auth.users sends for a new user (a fresh UUID',
    'unless given), signed as Standard Webhooks with AUTH_HOOK_SECRET, to',
    `${devSignupUrl('$PORT')} (PORT: your app's, default 3000; or --url), and prints the same\nrequest as curl, then the answer.`,
    '',
    'Exit code 0: stopped with Ctrl-C (signup: a 2xx answer); 1: signup got another answer;',
    '2: a bad flag, a port in use, no store to use, or no AUTH_HOOK_SECRET; 4: nothing answered',
    'the signup.',
  ].join('\n'),
  flags: {
    port: {
      type: 'string',
      value: '<port>',
      description: `port on 127.0.0.1 (default ${DEV_DEFAULTS.port}; 0: any free port)`,
    },
    'creation-ms': {
      type: 'string',
      value: '<ms>',
      description: `time from create to running (default ${DEV_DEFAULTS.creationMs})`,
    },
    'database-url': {
      type: 'string',
      value: '<url>',
      description: 'your PostgreSQL for the store (default DATABASE_URL, else an embedded one)',
    },
    neo4j: {
      type: 'string',
      value: '<bolt url>',
      description:
        'a real Neo4j every instance stands for: bolt://<user>:<password>@<host>:<port> (or http:// for the Query API)',
    },
    url: {
      type: 'string',
      value: '<url>',
      description: `dev signup: where to post (default ${devSignupUrl('$PORT')})`,
    },
    'pg-port': {
      type: 'string',
      value: '<port>',
      description: `the embedded PostgreSQL's port (default ${DEV_DEFAULTS.pgPort}; 0: any free one)`,
    },
  },
  needs: [],
  async run(context) {
    const [first, userId, extra] = context.args;
    if (first === 'signup' && extra === undefined) {
      const url = context.flags.url as string | undefined;
      const secret = context.env.AUTH_HOOK_SECRET;
      return runDevSignup({ userId, url, secret, port: context.env.PORT }, context.out);
    }
    if (first !== undefined) {
      const what =
        first === 'signup'
          ? `signup takes one user id (got "${extra}")`
          : `dev takes no arguments but signup (got "${first}")`;
      throw new CliUsageError(what);
    }
    return runDev(context);
  },
};
