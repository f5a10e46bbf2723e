import type { UserDatabaseRecord } from '../../records/record.js';
import { PROVISIONING_STATUSES, type ProvisioningStatus } from '../../records/record.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type HostedStatus, hostedStatusOf, hostNamesOf } from '../host-names.js';
import { formatTable } from '../output.js';
import { openStore } from '../services.js';

const PAGE_SIZE = 200;

/** `--status ready --status failed` or `--status ready,failed`, checked. */
export function parseStatuses(values: readonly string[]): ProvisioningStatus[] | undefined {
  const statuses = values.flatMap((value) => value.split(',')).map((s) => s.trim());
  if (statuses.length === 0) return undefined;
  for (const status of statuses) {
    if (!(PROVISIONING_STATUSES as readonly string[]).includes(status)) {
      throw new CliUsageError(
        `--status "${status}" is not a status: use ${PROVISIONING_STATUSES.join(', ')}`,
      );
    }
  }
  return [...new Set(statuses as ProvisioningStatus[])];
}

/** `--limit`, a positive integer, or no limit. */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  const limit = Number(value);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new CliUsageError(`--limit "${value}" is not a positive integer`);
  }
  return limit;
}

function listLines(statuses: readonly HostedStatus[]): string[] {
  if (statuses.length === 0) return ['No records.'];
  // The host and database columns only when some user is on a host (database-per-user).
  const hosted = statuses.some((s) => s.databaseName !== null);
  const rows = statuses.map((s) => [
    s.userId,
    s.status,
    s.instanceId ?? '-',
    ...(hosted ? [s.hostName ?? '-', s.databaseName ?? '-'] : []),
    String(s.attempts),
    s.lastError ?? '',
  ]);
  const place = hosted ? ['HOST', 'DATABASE'] : [];
  return [
    ...formatTable(['USER', 'STATUS', 'INSTANCE', ...place, 'ATTEMPTS', 'LAST ERROR'], rows),
    `${statuses.length} record${statuses.length === 1 ? '' : 's'}.`,
  ];
}

// Reads the store alone: no Aura, no keys, no instance spec.
const NEEDS = ['store'] as const;

/** `list [--status ...] [--limit n]`: the records of the store, without secrets. */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the users and where their databases stand',
  usage: 'list [--status <status>...] [--limit <n>]',
  description: [
    'Lists the records of the store, ordered by next check time (Aura is not called).',
    `Statuses: ${PROVISIONING_STATUSES.join(', ')}. Never shows passwords or ciphertexts.`,
    'With --json: { "records": [...], "count": n }, each record as `status` prints it.',
    'When some user is on a shared host (database-per-user), HOST and DATABASE columns show where.',
    '',
    'Exit code 0: listed, whatever the records say (`status` exits 1 for a failed user).',
  ].join('\n'),
  flags: {
    status: {
      type: 'string',
      multiple: true,
      value: '<status>',
      description: 'only records with this status (or a comma-separated list)',
    },
    limit: { type: 'string', value: '<n>', description: 'at most this many records' },
  },
  needs: NEEDS,
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`list takes no arguments (got "${context.args[0]}")`);
    }
    const statuses = parseStatuses((context.flags.status as string[] | undefined) ?? []);
    const limit = parseLimit(context.flags.limit as string | undefined);
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    const found: UserDatabaseRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await opened.store.list({
        ...(statuses ? { statuses } : {}),
        cursor,
        limit: Math.min(PAGE_SIZE, limit - found.length),
      });
      found.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor && found.length < limit);
    const hostNames = await hostNamesOf(opened.store, found);
    const records = found.map((record) => hostedStatusOf(record.userId, record, hostNames));
    context.out.result({ records, count: records.length }, () => listLines(records));
    return EXIT_CODES.ok;
  },
};
