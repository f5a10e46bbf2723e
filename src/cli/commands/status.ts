import { checkUserId } from '../../provisioning/provisioner.js';
import type { UserDatabaseStatus } from '../../records/status.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { type HostedStatus, hostedStatusOf, hostNamesOf } from '../host-names.js';
import { formatTime } from '../output.js';
import { openStore } from '../services.js';

/** The user id argument of `status` and `deprovision`, checked as the provisioner checks it. */
export function userIdArgument(args: readonly string[], usage: string): string {
  if (args.length !== 1) {
    throw new CliUsageError(`expected exactly one user id: aura-provisioner ${usage}`);
  }
  try {
    return checkUserId(args[0]);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

/** `0` ready or on its way, `1` failed, `3` no record. */
export function statusExitCode(status: UserDatabaseStatus['status']): ExitCode {
  if (status === 'not_found') return EXIT_CODES.notFound;
  return status === 'failed' ? EXIT_CODES.problems : EXIT_CODES.ok;
}

/** Where the database is: its own instance, or (database-per-user) a database on a host. */
function placeRows(status: HostedStatus): [string, string][] {
  if (status.databaseName === null) {
    const id = status.instanceId ?? '-';
    return [['instance', `${id} (${status.instanceName})`]];
  }
  return [
    ['host', `${status.hostName ?? '-'} (${status.instanceId ?? '-'})`],
    ['database', status.databaseName],
  ];
}

/** The status as aligned `label  value` lines. No secret is in a status. */
export function statusLines(status: HostedStatus): string[] {
  if (status.status === 'not_found') return [`No database record for user ${status.userId}.`];
  const rows: [string, string][] = [
    ['user', status.userId],
    ['status', status.status],
    ...placeRows(status),
    ['connection', status.connectionUrl ?? '-'],
    ['attempts', String(status.attempts)],
    ['ready at', formatTime(status.readyAt)],
  ];
  if (status.status === 'failed') {
    rows.push(['last error', status.lastError ?? '-']);
    rows.push(['retryable', status.retryable ? 'yes (reconcile retries it)' : 'no']);
  }
  return rows.map(([label, value]) => `${label.padEnd(10)}  ${value}`);
}

// Reads the store alone: no Aura, no keys, no instance spec.
const NEEDS = ['store'] as const;

/** Defaults of `status --watch`. */
export const WATCH_DEFAULTS = {
  /** Between two reads of the store (a read costs no Aura budget). */
  pollMs: 500,
  /** It gives up after this long (10 minutes): a create on Aura takes a few. */
  timeoutMs: 600_000,
} as const;

/** Whether a status is where a watch stops: ready, failed, or no record. */
const settled = (status: string) =>
  status === 'ready' || status === 'failed' || status === 'not_found';

const pause = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      resolve();
    }
  });

/** `status <userId>`: where one user's database stands, from the store alone. */
export const statusCommand: Command = {
  name: 'status',
  summary: "show where a user's database stands",
  usage: 'status <userId> [--watch]',
  description: [
    "Reads the user's record from the store (Aura is not called). Never shows the",
    'password or its ciphertext. A user on a shared host (database-per-user) shows the',
    'host (name and instance id) and the database; --json adds "hostName".',
    '',
    '--watch reads the record again every half second, prints a line at each change of',
    'status, and stops once the user is ready or failed (or has no record), after 10',
    'minutes, or at Ctrl-C; then it shows the status as without --watch.',
    '',
    'Exit code 0: pending, creating, ready or deleting; 1: failed; 3: no record.',
  ].join('\n'),
  flags: {
    watch: {
      type: 'boolean',
      description: 'follow the status until the user is ready or failed (10 minutes at most)',
    },
  },
  needs: NEEDS,
  async run(context) {
    const userId = userIdArgument(context.args, 'status <userId>');
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    let record = await opened.store.get(userId);
    if (context.flags.watch === true) {
      const { signal } = context.io;
      const until = Date.now() + WATCH_DEFAULTS.timeoutMs;
      let seen = '';
      for (;;) {
        const now = record?.status ?? 'not_found';
        if (now !== seen) context.out.note(`${new Date().toISOString().slice(11, 19)} ${now}`);
        seen = now;
        if (settled(now) || signal?.aborted || Date.now() >= until) break;
        await pause(WATCH_DEFAULTS.pollMs, signal);
        record = await opened.store.get(userId);
      }
    }
    const hostNames = await hostNamesOf(opened.store, record ? [record] : []);
    const status = hostedStatusOf(userId, record, hostNames);
    context.out.result(status, () => statusLines(status));
    return statusExitCode(status.status);
  },
};
