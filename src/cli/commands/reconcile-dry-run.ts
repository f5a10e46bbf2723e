import { orphanOutcome } from '../../provisioning/reconcile-plan.js';
import type { CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { scanForReconcile } from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { openAura, openStore } from '../services.js';

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
  return lines;
}

/**
 * `reconcile --dry-run`: what reconcile would do, from the store's records
 * and Aura's instance list, without calling the provisioner. Reads only (one
 * status read per orphan candidate, as reconcile does).
 */
export async function runDryRun(
  context: CommandContext,
  options: { orphans: 'report' | 'adopt' },
): Promise<ExitCode> {
  const config = requireConfig(context.config, ['aura', 'store']);
  const prefix = config.aura.instancePrefix;
  const opened = await openStore(config.store, context.out);
  context.onClose(opened.close);
  const { records, plan, orphans } = await scanForReconcile(openAura(config.aura), opened.store, {
    tenantId: config.aura.tenantId,
    prefix,
    retryFailed: true,
    now: Date.now(),
  });
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
  context.out.result(report, () => dryRunLines(report));
  return report.orphans.some((o) => o.action === 'reported') ? EXIT_CODES.problems : EXIT_CODES.ok;
}
