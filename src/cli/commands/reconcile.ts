import type { ReconcileReport } from '../../provisioning/reconcile.js';
import { InProcessScheduler } from '../../provisioning/scheduler.js';
import type { Command, CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { readAllRecords } from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { createProgressReporter } from '../progress.js';
import { idleScheduler, openAura, openCipher, openProvisioner, openStore } from '../services.js';
import { type WaitOutcome, waitForRecords } from '../wait-settled.js';
import { HOST_COLUMNS, hostCells } from './hosts.js';
import { runDryRun } from './reconcile-dry-run.js';

/** Defaults of `reconcile --wait`. */
export const RECONCILE_DEFAULTS = {
  /** How often the store is read while waiting. */
  waitPollMs: 500,
} as const;

/** `--wait <seconds>`: a non-negative number; 0 (the default) does not wait. */
export function parseWaitSeconds(value: string | undefined): number {
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CliUsageError(`--wait "${value}" is not a number of seconds`);
  }
  return seconds;
}

/** `--orphans report|adopt`; deleting has its own command, with its own confirmation. */
export function parseOrphanPolicy(value: string | undefined): 'report' | 'adopt' {
  if (value === undefined || value === 'report' || value === 'adopt') return value ?? 'report';
  const hint = value === 'delete' ? ': delete them with `aura-provisioner orphans --delete`' : '';
  throw new CliUsageError(`--orphans "${value}" is not report or adopt${hint}`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function reportLines(report: ReconcileReport): string[] {
  const databases = report.orphanDatabases
    ? `, ${plural(report.orphanDatabases.length, 'orphan database')}`
    : '';
  const lines = [
    `Reconciled: resumed ${plural(report.resumed, 'waiting record')}, retried ${plural(report.retried, 'failed record')}, found ${plural(report.orphans.length, 'instance')} no record owns${databases}, ${report.lost.length} lost.`,
  ];
  if (report.orphans.length > 0) {
    const rows = report.orphans.map((o) => [
      o.instanceId,
      o.instanceName,
      o.kind,
      o.userId ?? '-',
      o.action,
    ]);
    const headers = ['INSTANCE', 'NAME', 'KIND', 'USER', 'ACTION'];
    lines.push(...formatTable(headers, rows).map((l) => `  ${l}`));
  }
  if (report.lost.length > 0) {
    lines.push('Gone behind the library:');
    const rows = report.lost.map((l) => [
      l.what,
      l.userId ?? l.hostName ?? '-',
      l.instanceId,
      l.databaseName ?? '-',
      l.action,
    ]);
    const headers = ['WHAT', 'USER/HOST', 'INSTANCE', 'DATABASE', 'ACTION'];
    lines.push(...formatTable(headers, rows).map((l) => `  ${l}`));
  }
  return [...lines, ...hostLines(report)];
}

/** The hosts (slots counted again) and the orphan databases on them, with database-per-user. */
function hostLines(report: ReconcileReport): string[] {
  const lines: string[] = [];
  if (report.orphanDatabases && report.orphanDatabases.length > 0) {
    const rows = report.orphanDatabases.map((o) => [
      o.hostName,
      o.databaseName,
      o.kind,
      o.userId ?? '-',
      o.action,
    ]);
    lines.push('Databases on our hosts that no record owns:');
    const headers = ['HOST', 'DATABASE', 'KIND', 'USER', 'ACTION'];
    lines.push(...formatTable(headers, rows).map((l) => `  ${l}`));
  }
  if (report.hosts) {
    const rows = report.hosts.map((h) => [...hostCells(h), String(h.users)]);
    lines.push(
      report.hosts.length === 0 ? 'No hosts yet.' : `Hosts (slots counted from the records):`,
    );
    if (rows.length > 0) {
      const headers = [...HOST_COLUMNS, 'USERS'];
      lines.push(...formatTable(headers, rows).map((l) => `  ${l}`));
    }
  }
  return lines;
}

function waitLines(wait: WaitOutcome): string[] {
  const summary = `${wait.ready.length} ready, ${wait.failed.length} failed, ${wait.deleted.length} deleted, ${wait.unsettled.length} still on their way`;
  const lines = [`After ${Math.round(wait.elapsedMs / 1000)}s: ${summary}.`];
  for (const f of wait.failed) lines.push(`  failed  ${f.userId}: ${f.reason ?? 'no reason'}`);
  for (const u of wait.unsettled) lines.push(`  ${u.status.padEnd(7)} ${u.userId}`);
  if (wait.timedOut) lines.push('Time is up; the records carry on at the next reconcile.');
  return lines;
}

async function runReconcile(
  context: CommandContext,
  options: { orphans: 'report' | 'adopt'; waitSeconds: number },
): Promise<ExitCode> {
  const config = requireConfig(context.config, NEEDS);
  const opened = await openStore(config.store, context.out);
  context.onClose(opened.close);
  const waiting = options.waitSeconds > 0;
  const provisioner = openProvisioner(
    config,
    { aura: openAura(config.aura), store: opened.store, cipher: openCipher(config.cipher) },
    waiting ? new InProcessScheduler() : idleScheduler,
  );
  // Closed before the pool, so running checks finish their store writes.
  context.onClose(() => provisioner.close());
  // Who to wait for is known before reconcile: a fast record can settle while reconcile still runs.
  const watched = new Set<string>();
  if (waiting) {
    const statuses = ['pending', 'creating', 'deleting'] as const;
    const { records } = await readAllRecords(opened.store, { statuses });
    for (const r of records) watched.add(r.userId);
    provisioner.subscribe((event) => {
      if (event.type === 'retrying' && event.userId) watched.add(event.userId);
    });
  }
  const reconciled = await provisioner.reconcile({ orphans: options.orphans });
  // `null`, not absent, for a user that cannot be recovered: the same shape as --dry-run.
  const report = {
    ...reconciled,
    orphans: reconciled.orphans.map((o) => ({ ...o, userId: o.userId ?? null })),
    ...(reconciled.orphanDatabases
      ? {
          orphanDatabases: reconciled.orphanDatabases.map((o) => ({
            ...o,
            userId: o.userId ?? null,
          })),
        }
      : {}),
  };
  context.out.text(reportLines(reconciled));
  if (!waiting && report.resumed > 0) {
    context.out.text([
      "The resumed records are left to the application's provisioner; add --wait <seconds> to drive them here.",
    ]);
  }
  let wait: WaitOutcome | undefined;
  if (waiting) {
    context.out.text([
      watched.size === 0
        ? 'Nothing to wait for.'
        : `Waiting up to ${options.waitSeconds}s for ${plural(watched.size, 'record')}...`,
    ]);
    wait = await waitForRecords(opened.store, [...watched], {
      timeoutMs: options.waitSeconds * 1000,
      pollMs: RECONCILE_DEFAULTS.waitPollMs,
      reporter: createProgressReporter(context.out),
      signal: context.io.signal,
    });
  }
  context.out.result({ dryRun: false, ...report, ...(wait ? { wait } : {}) }, () =>
    wait ? waitLines(wait) : [],
  );
  const attention =
    report.orphans.some((o) => o.action === 'reported') ||
    (report.orphanDatabases ?? []).some((o) => o.action === 'reported') ||
    (wait !== undefined && (wait.failed.length > 0 || wait.timedOut));
  return attention ? EXIT_CODES.problems : EXIT_CODES.ok;
}

// The placement too: with database-per-user, reconcile recounts the hosts' slots.
const NEEDS = ['aura', 'store', 'cipher', 'instance', 'placement'] as const;

/** `reconcile [--dry-run] [--wait <seconds>] [--orphans report|adopt]`. */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'bring the store and Aura back in line (resume, retry, find orphans)',
  usage: 'reconcile [--dry-run] [--wait <seconds>] [--orphans report|adopt]',
  description: [
    "Runs the provisioner's reconcile: resumes waiting records, retries failed records",
    'whose retry is due (deleting their old instance first), finds instances with our',
    'prefix that no record owns, each with its kind (orphan, young, duplicate, foreign,',
    'unproven; orphans adopted with --orphans adopt), and heals ready users whose',
    'instance, database or host is gone (provisioned again).',
    '',
    'Without --wait, the creates and status reads that reconcile schedules stay due in',
    "the store for the application's provisioner. With --wait, this process drives them",
    'for up to that many seconds, with a progress bar on a terminal and one line per',
    'settled record when piped. A cron job without a long-running app should use --wait.',
    '',
    '--dry-run changes nothing: it takes the same snapshot as reconcile (Aura listed',
    'first, then every record), judges it with the same code and prints what reconcile',
    'would resume, retry, find and heal (the same counts, plus who).',
    '',
    "With AURA_PLACEMENT=database-per-user it also counts each host's used slots again",
    'from the records, lists the hosts, and reports databases on our hosts that no record',
    'owns (orphan databases; --json: "hosts" and "orphanDatabases"). --dry-run shows the',
    'same without changing anything: each host with its stored slots and its users.',
    '',
    'Exit code 0: done, nothing needs attention; 1: orphans or orphan databases reported, or (with --wait)',
    'a record failed or time ran out before every record settled.',
  ].join('\n'),
  flags: {
    'dry-run': { type: 'boolean', description: 'show what reconcile would do; change nothing' },
    wait: {
      type: 'string',
      value: '<seconds>',
      description: 'drive resumed records for up to this long (default: do not wait)',
    },
    orphans: {
      type: 'string',
      value: 'report|adopt',
      description: 'what to do with orphans (default report)',
    },
  },
  needs: NEEDS,
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`reconcile takes no arguments (got "${context.args[0]}")`);
    }
    const orphans = parseOrphanPolicy(context.flags.orphans as string | undefined);
    const waitSeconds = parseWaitSeconds(context.flags.wait as string | undefined);
    if (context.flags['dry-run'] === true) {
      if (waitSeconds > 0)
        throw new CliUsageError('--dry-run changes nothing, so it cannot --wait');
      return runDryRun(context, { orphans });
    }
    return runReconcile(context, { orphans, waitSeconds });
  },
};
