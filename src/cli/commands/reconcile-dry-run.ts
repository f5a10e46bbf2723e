import { type HostSummary, usersByHost } from '../../provisioning/reconcile.js';
import { planRecord } from '../../provisioning/reconcile-plan.js';
import { unownedAction } from '../../provisioning/reconcile-unowned.js';
import { hostSummary } from '../../provisioning/strategies.js';
import type { UnownedKind } from '../../records/events.js';
import type { CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { surveyForCli } from '../orphan-scan.js';
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
    kind: UnownedKind;
    instanceStatus: string;
    userId: string | null;
    action: 'reported' | 'adopted';
  }[];
  /** Ready users whose instance (or database) Aura did not list: reconcile confirms, then heals. */
  lost: { userId: string; instanceId: string; databaseName: string | null; hostGone: boolean }[];
  resume: { userId: string; status: string }[];
  retry: { userId: string; lastError: string | null }[];
  /** With the `database-per-user` placement: databases on our hosts that no record owns. */
  orphanDatabases?: {
    hostName: string;
    instanceId: string;
    databaseName: string;
    kind: UnownedKind;
    userId: string | null;
    action: 'reported';
  }[];
  /**
   * With the placement: every host, its slots as stored (`used`, `neo4j` counted), the users
   * the records place on it, and the slots counted from its listing (`counted`), which
   * reconcile sets.
   */
  hosts?: (HostSummary & { counted: number | null })[];
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
  lines.push(`  find ${plural(report.orphans.length, 'instance')} no record owns`);
  if (report.orphans.length > 0) {
    const rows = report.orphans.map((o) => [
      o.instanceId,
      o.instanceName,
      o.kind,
      o.userId ?? '-',
      o.action,
    ]);
    const headers = ['INSTANCE', 'NAME', 'KIND', 'USER', 'WOULD BE'];
    lines.push(...formatTable(headers, rows).map((l) => `    ${l}`));
  }
  lines.push(`  check ${plural(report.lost.length, 'user')} whose resource Aura did not list`);
  if (report.lost.length > 0) {
    const rows = report.lost.map((l) => [l.userId, l.instanceId, l.databaseName ?? '-']);
    const table = formatTable(['USER', 'INSTANCE', 'DATABASE'], rows);
    lines.push(...table.map((l) => `    ${l}`));
  }
  const { orphanDatabases, hosts } = report;
  if (orphanDatabases) {
    lines.push(`  find ${plural(orphanDatabases.length, 'database')} on our hosts no record owns`);
    const rows = orphanDatabases.map((o) => [
      o.hostName,
      o.databaseName,
      o.kind,
      o.userId ?? '-',
      o.action,
    ]);
    if (rows.length > 0) {
      const table = formatTable(['HOST', 'DATABASE', 'KIND', 'USER', 'WOULD BE'], rows);
      lines.push(...table.map((l) => `    ${l}`));
    }
  }
  if (hosts) {
    const recount = hosts.filter((h) => h.counted !== null && h.used !== h.counted).length;
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
  const found = await surveyForCli(openAura(config.aura), opened.store, config);
  const { snapshot, judged, orphans } = found;
  const context0 = { now: snapshot.takenAt, retryFailed: true };
  const resume: DryRunReport['resume'] = [];
  const retry: DryRunReport['retry'] = [];
  for (const record of snapshot.records) {
    const step = planRecord(record, context0);
    if (step.kind === 'resume') resume.push({ userId: record.userId, status: record.status });
    if (step.kind === 'retry') retry.push({ userId: record.userId, lastError: record.lastError });
  }
  const policies = { orphans: options.orphans, duplicates: 'report' } as const;
  const report: DryRunReport = {
    dryRun: true,
    resumed: resume.length,
    retried: retry.length,
    orphans: orphans.map((orphan) => ({
      ...orphan,
      userId: orphan.userId ?? null,
      action: unownedAction(orphan, policies, prefix) === 'adopted' ? 'adopted' : 'reported',
    })),
    lost: judged.lost.map((l) => ({
      userId: l.userId,
      instanceId: l.instanceId,
      databaseName: l.databaseName ?? null,
      hostGone: l.hostGone === true,
    })),
    resume,
    retry,
  };
  if (found.project) {
    report.orphanDatabases = judged.unownedDatabases.map((database) => ({
      hostName: database.hostName,
      instanceId: database.instanceId,
      databaseName: database.databaseName,
      kind: database.kind,
      userId: database.userId ?? null,
      action: 'reported' as const,
    }));
    const placed = usersByHost(snapshot.records);
    report.hosts = snapshot.hosts.map((host) => ({
      ...hostSummary(host, placed),
      counted: (host.instanceId && judged.slots.get(host.instanceId)) || null,
    }));
  }
  context.out.result(report, () => dryRunLines(report));
  const reported = report.orphans.some((o) => o.action === 'reported');
  return reported || report.lost.length > 0 || (report.orphanDatabases ?? []).length > 0
    ? EXIT_CODES.problems
    : EXIT_CODES.ok;
}
