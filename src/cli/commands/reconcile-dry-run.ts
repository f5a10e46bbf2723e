import { orphanOutcome } from '../../provisioning/reconcile-plan.js';
import { isHostedRecord } from '../../records/host-record.js';
import { userIdFromInstanceName } from '../../records/instance-name.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import type { CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { scanWithHosts } from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { openAura, openStore } from '../services.js';
import { HOST_COLUMNS, hostCells } from './hosts.js';

/** What `reconcile --dry-run --json` prints: the real run's counts, plus who they are. */
export interface DryRunReport {
  dryRun: true;
  resumed: number;
  retried: number;
  orphans: {
    instanceId: string;
    instanceName: string;
    instanceStatus: string;
    userId: string | null;
    action: 'reported' | 'adopted';
  }[];
  resume: { userId: string; status: string }[];
  retry: { userId: string; lastError: string | null }[];
  /** With the `database-per-user` placement: databases on our hosts that no record owns. */
  orphanDatabases?: {
    hostName: string;
    instanceId: string;
    databaseName: string;
    userId: string | null;
    action: 'reported';
  }[];
  /**
   * With the placement: every host, its slots as stored (`used`, `neo4j` counted) and the users
   * the records place on it; reconcile sets `used` to `users + 1`.
   */
  hosts?: {
    hostName: string;
    status: string;
    instanceId: string | null;
    capacity: number;
    used: number;
    free: number;
    users: number;
  }[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function dryRunLines(report: DryRunReport): string[] {
  const lines = ['Dry run: nothing was changed. reconcile would:'];
  lines.push(
    `  resume ${plural(report.resumed, 'waiting record')}${report.resume.length > 0 ? `: ${report.resume.map((r) => `${r.userId} (${r.status})`).join(', ')}` : ''}`,
  );
  lines.push(
    `  retry ${plural(report.retried, 'failed record')}${report.retry.length > 0 ? `: ${report.retry.map((r) => `${r.userId} (${r.lastError ?? 'no reason'})`).join(', ')}` : ''}`,
  );
  lines.push(`  find ${plural(report.orphans.length, 'orphan')}`);
  if (report.orphans.length > 0) {
    const rows = report.orphans.map((o) => [
      o.instanceId,
      o.instanceName,
      o.userId ?? '-',
      o.action,
    ]);
    lines.push(
      ...formatTable(['INSTANCE', 'NAME', 'USER', 'WOULD BE'], rows).map((l) => `    ${l}`),
    );
  }
  const { orphanDatabases, hosts } = report;
  if (orphanDatabases) {
    lines.push(`  find ${plural(orphanDatabases.length, 'orphan database')} on our hosts`);
    const rows = orphanDatabases.map((o) => [
      o.hostName,
      o.databaseName,
      o.userId ?? '-',
      o.action,
    ]);
    if (rows.length > 0) {
      const table = formatTable(['HOST', 'DATABASE', 'USER', 'WOULD BE'], rows);
      lines.push(...table.map((l) => `    ${l}`));
    }
  }
  if (hosts) {
    const recount = hosts.filter((h) => h.used !== h.users + 1).length;
    lines.push(
      `  count the slots of ${plural(hosts.length, 'host')} again (${recount} would change)`,
    );
    const rows = hosts.map((h) => [...hostCells(h), String(h.users)]);
    if (rows.length > 0) {
      lines.push(...formatTable([...HOST_COLUMNS, 'USERS'], rows).map((l) => `    ${l}`));
    }
  }
  return lines;
}

/** Users placed on each host by the records, by host instance id. */
function usersByHost(records: readonly UserDatabaseRecord[]): Map<string, number> {
  const users = new Map<string, number>();
  for (const record of records) {
    if (isHostedRecord(record) && record.instanceId) {
      users.set(record.instanceId, (users.get(record.instanceId) ?? 0) + 1);
    }
  }
  return users;
}

/**
 * `reconcile --dry-run`: what reconcile would do, from the store's records
 * and Aura's instance list, without calling the provisioner. Reads only (one
 * status read per orphan candidate, as reconcile does). With the
 * `database-per-user` placement also the hosts' slots and the databases on
 * them that no record owns (one database list per ready host).
 */
export async function runDryRun(
  context: CommandContext,
  options: { orphans: 'report' | 'adopt' },
): Promise<ExitCode> {
  const config = requireConfig(context.config, ['aura', 'store', 'placement']);
  const prefix = config.aura.instancePrefix;
  const opened = await openStore(config.store, context.out);
  context.onClose(opened.close);
  const { snapshot, databases } = await scanWithHosts(openAura(config.aura), opened.store, config, {
    retryFailed: true,
  });
  const { records, plan, orphans } = snapshot;
  const users = new Set(records.map((r) => r.userId));
  const report: DryRunReport = {
    dryRun: true,
    resumed: plan.resume.length,
    retried: plan.retry.length,
    orphans: orphans.map((orphan) => {
      const { userId, action } = orphanOutcome(orphan.instanceName, options.orphans, prefix, users);
      return { ...orphan, userId: userId ?? null, action };
    }),
    resume: plan.resume,
    retry: plan.retry,
  };
  if (databases) {
    report.orphanDatabases = databases.map(({ databaseId: _, ...database }) => ({
      ...database,
      userId: userIdFromInstanceName(database.databaseName, prefix) ?? null,
      action: 'reported' as const,
    }));
    const placed = usersByHost(records);
    report.hosts = (await opened.store.listHosts()).map((host) => ({
      hostName: host.hostName,
      status: host.status,
      instanceId: host.instanceId,
      capacity: host.capacity,
      used: host.used,
      free: Math.max(0, host.capacity - host.used),
      users: host.instanceId ? (placed.get(host.instanceId) ?? 0) : 0,
    }));
  }
  context.out.result(report, () => dryRunLines(report));
  const reported = report.orphans.some((o) => o.action === 'reported');
  return reported || (report.orphanDatabases ?? []).length > 0
    ? EXIT_CODES.problems
    : EXIT_CODES.ok;
}
