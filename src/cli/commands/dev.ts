import { PROVISIONING_DEFAULTS } from '../../provisioning/defaults.js';
import type { Command, CommandContext } from '../command.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';

/**
 * Defaults of `aura-provisioner dev`: Aura's steps, shortened so that trying
 * the library takes seconds (real Aura: about 90 s to run an instance).
 */
export const DEV_DEFAULTS = {
  /** 0: any free port (the printed AURA_BASE_URL says which). */
  port: 0,
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
  },
} as const;

/** `--port <port>`: 0–65535. */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return DEV_DEFAULTS.port;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliUsageError(`--port "${value}" is not a port (0-65535; 0 picks a free one)`);
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
  // Loaded here, not at the top: no other command carries the fake.
  const { createAuraMock } = await import('../../testing/aura-mock.js');
  const { listenLoopback } = await import('../../testing/loopback-server.js');
  const fake = createAuraMock({
    creationTimeMs: creationMs,
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
  // The CLI's first status read of a create then comes when the fake's instance runs.
  const env = {
    AURA_BASE_URL: server.url,
    ...DEV_DEFAULTS.env,
    AURA_EXPECTED_CREATION_MS: String(
      Math.min(Math.ceil(creationMs), PROVISIONING_DEFAULTS.poll.deadlineMs),
    ),
  };
  const lines = [
    `Aura fake on ${server.url}: instances run ${creationMs / 1000}s after create. Ctrl-C stops it (state is not kept).`,
    'Point the library or the CLI at it (another shell):',
    '',
    ...Object.entries(env).map(([name, value]) => `export ${name}=${value}`),
    '',
    'createProvisioner needs no poll setting for it: reads explore from 10 s after create until',
    'an instance is seen running (the CLI reads AURA_EXPECTED_CREATION_MS).',
    '',
    'Requests (method, path, status):',
  ];
  // Straight to stdout, not through the redaction: these are the fake's own made-up values,
  // never a setting, and a shell that exported them from an earlier run would see them cut out.
  io.stdout.write(
    out.json
      ? `${JSON.stringify({ url: server.url, creationMs, env }, null, 2)}\n`
      : `${lines.join('\n')}\n`,
  );
  await untilAborted(context.io.signal);
  out.note('Stopped.');
  return EXIT_CODES.ok;
}

/** `dev [--port <port>] [--creation-ms <ms>]`: the Aura fake on loopback, until Ctrl-C. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'run a local Aura fake to try the library and the CLI (no Aura account)',
  usage: 'dev [--port <port>] [--creation-ms <ms>]',
  description: [
    "Serves aura-provisioner's stateful Aura fake (the one of aura-provisioner/testing) over",
    'HTTP on 127.0.0.1, with fast timings: instances run 5 s after create (--creation-ms),',
    'databases of a multi-database instance are online after 1 s. It takes any client id and',
    'secret and has one tenant, tenant-1. It prints the AURA_* variables to export, then one',
    'line per request (method, path, status; never a token; on stderr with --json), until Ctrl-C.',
    'Everything is in memory: a restart starts empty.',
    '',
    'Exit code 0: stopped with Ctrl-C; 2: a bad flag, or the port is in use.',
  ].join('\n'),
  flags: {
    port: {
      type: 'string',
      value: '<port>',
      description: 'port on 127.0.0.1 (default 0: any free port)',
    },
    'creation-ms': {
      type: 'string',
      value: '<ms>',
      description: `time from create to running (default ${DEV_DEFAULTS.creationMs})`,
    },
  },
  needs: [],
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`dev takes no arguments (got "${context.args[0]}")`);
    }
    return runDev(context);
  },
};
