import { freeSlotsOf } from '../../provisioning/strategies.js';
import type { HostRecord } from '../../records/host-record.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatTable } from '../output.js';
import { openStore } from '../services.js';

/** One host as `hosts` shows it: no password, no ciphertext. */
export interface HostLine {
  hostName: string;
  status: HostRecord['status'];
  instanceId: string | null;
  connectionUrl: string | null;
  capacity: number;
  used: number;
  free: number;
  lastError: string | null;
}

const lineOf = (host: HostRecord): HostLine => ({
  hostName: host.hostName,
  status: host.status,
  instanceId: host.instanceId,
  connectionUrl: host.connectionUrl,
  capacity: host.capacity,
  used: host.used,
  free: freeSlotsOf(host),
  lastError: host.lastError,
});

/** The columns `hosts` and `reconcile` both show of a host. */
export const HOST_COLUMNS = ['HOST', 'STATUS', 'INSTANCE', 'CAPACITY', 'USED', 'FREE'];

/** {@link HOST_COLUMNS} of one host. */
export const hostCells = (
  h: Pick<HostLine, 'hostName' | 'instanceId' | 'capacity' | 'used' | 'free'> & { status: string },
) => [
  h.hostName,
  h.status,
  h.instanceId ?? '-',
  String(h.capacity),
  String(h.used),
  String(h.free),
];

function hostLines(hosts: readonly HostLine[]): string[] {
  if (hosts.length === 0) {
    return ['No hosts (the database-per-user placement opens them at its first reconcile).'];
  }
  const rows = hosts.map((h) => [...hostCells(h), h.lastError ?? '']);
  const free = hosts.filter((h) => h.status === 'ready').reduce((sum, h) => sum + h.free, 0);
  return [
    ...formatTable([...HOST_COLUMNS, 'LAST ERROR'], rows),
    `${hosts.length} host${hosts.length === 1 ? '' : 's'}, ${free} free slot${free === 1 ? '' : 's'} on the ready ones (neo4j counts as used).`,
  ];
}

// Reads the store alone: no Aura, no keys, no instance spec.
const NEEDS = ['store'] as const;

/** `hosts`: the shared instances of the database-per-user placement, and their slots. */
export const hostsCommand: Command = {
  name: 'hosts',
  summary: 'list the shared hosts of the database-per-user placement and their free slots',
  usage: 'hosts',
  description: [
    'Lists the host records of the store: each multi-database instance the database-per-user',
    'placement opened, its status, its capacity (databases, neo4j counted), the slots used and',
    'free. Aura is not called; never shows passwords or ciphertexts.',
    'With --json: { "hosts": [...], "count": n, "capacity": n, "used": n, "free": n }.',
    '',
    'Exit code 0: listed. A store without its hosts table exits 2: run `aura-provisioner migrate`.',
  ].join('\n'),
  flags: {},
  needs: NEEDS,
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`hosts takes no arguments (got "${context.args[0]}")`);
    }
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    let hosts: HostLine[];
    try {
      hosts = (await opened.store.listHosts()).map(lineOf);
    } catch (error) {
      if (undefinedTable(error)) {
        throw new CliUsageError(
          'The store has no hosts table: run `aura-provisioner migrate` to create it',
          'configuration',
        );
      }
      throw error;
    }
    const ready = hosts.filter((h) => h.status === 'ready');
    context.out.result(
      {
        hosts,
        count: hosts.length,
        capacity: ready.reduce((sum, h) => sum + h.capacity, 0),
        used: ready.reduce((sum, h) => sum + h.used, 0),
        free: ready.reduce((sum, h) => sum + h.free, 0),
      },
      () => hostLines(hosts),
    );
    return EXIT_CODES.ok;
  },
};

/** Whether a store error comes from a table that does not exist (PostgreSQL 42P01). */
function undefinedTable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '42P01') return true;
  }
  return false;
}
