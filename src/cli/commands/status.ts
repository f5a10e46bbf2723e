import { checkUserId } from '../../provisioning/provisioner.js';
import { toStatus, type UserDatabaseStatus } from '../../records/status.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
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

/** The status as aligned `label  value` lines. No secret is in a status. */
export function statusLines(status: UserDatabaseStatus): string[] {
  if (status.status === 'not_found') return [`No database record for user ${status.userId}.`];
  const rows: [string, string][] = [
    ['user', status.userId],
    ['status', status.status],
    [
      'instance',
      status.instanceId
        ? `${status.instanceId} (${status.instanceName})`
        : `- (${status.instanceName})`,
    ],
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

/** `status <userId>`: where one user's database stands, from the store alone. */
export const statusCommand: Command = {
  name: 'status',
  summary: "show where a user's database stands",
  usage: 'status <userId>',
  description: [
    "Reads the user's record from the store (Aura is not called). Never shows the",
    'password or its ciphertext.',
    '',
    'Exit code 0: pending, creating, ready or deleting; 1: failed; 3: no record.',
  ].join('\n'),
  flags: {},
  needs: NEEDS,
  async run(context) {
    const userId = userIdArgument(context.args, 'status <userId>');
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    const status = toStatus(userId, await opened.store.get(userId));
    context.out.result(status, () => statusLines(status));
    return statusExitCode(status.status);
  },
};
