import type { AuraClient } from '../../aura/client.js';
import { isAuraError } from '../../aura/errors/base.js';
import { userIdFromInstanceName } from '../../records/instance-name.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { confirmDestructive } from '../confirm.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type FoundOrphan, type ReconcileSnapshot, scanForReconcile } from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { openAura, openStore } from '../services.js';

/** One orphan as `orphans` reports it. */
export interface OrphanRow extends FoundOrphan {
  /** The user its name encodes (UUID user ids only). */
  userId: string | null;
  action: 'reported' | 'deleted';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the instances with the prefix's names are, when none is an orphan: each count said, so
 * the sentence stays true with an unowned one being deleted or a name of someone else's.
 */
function noOrphanLines(counts: ReconcileSnapshot['instances'], prefix: string): string[] {
  const { owned, destroying, foreign } = counts;
  const named = `named "${prefix}..."`;
  let line: string;
  if (owned + destroying === 0) line = `No orphans: no instance is ${named}.`;
  else if (destroying === 0)
    line = `No orphans: ${owned === 1 ? 'the 1 instance' : `all ${owned} instances`} ${named} ${owned === 1 ? 'has' : 'have'} a record.`;
  else
    line = `No orphans: ${plural(owned, 'instance')} ${named} ${owned === 1 ? 'has' : 'have'} a record; ${destroying} without one ${destroying === 1 ? 'is' : 'are'} being deleted (destroying).`;
  if (foreign === 0) return [line];
  return [
    line,
    `${plural(foreign, 'other instance')} starting with "${prefix}" ${foreign === 1 ? 'has' : 'have'} a name the provisioner does not make: left alone.`,
  ];
}

function orphanLines(
  orphans: readonly OrphanRow[],
  counts: ReconcileSnapshot['instances'],
  prefix: string,
): string[] {
  if (orphans.length === 0) return noOrphanLines(counts, prefix);
  const rows = orphans.map((o) => [
    o.instanceId,
    o.instanceName,
    o.instanceStatus,
    o.userId ?? '-',
    o.action,
  ]);
  const reported = orphans.filter((o) => o.action === 'reported').length;
  return [
    ...formatTable(['INSTANCE', 'NAME', 'STATUS', 'USER', 'ACTION'], rows),
    reported > 0
      ? `${orphans.length} orphan${orphans.length === 1 ? '' : 's'}. Delete with \`aura-provisioner orphans --delete --yes\`, or adopt with \`aura-provisioner reconcile --orphans adopt\`.`
      : `${orphans.length} orphan${orphans.length === 1 ? '' : 's'} deleted.`,
  ];
}

/** Deletes one instance; a 404 means it is already gone. */
async function deleteInstance(aura: AuraClient, instanceId: string): Promise<void> {
  await aura.instances.delete(instanceId).catch((error: unknown) => {
    if (!isAuraError(error, 'not_found')) throw error;
  });
}

/** `orphans [--delete [--yes]]`: instances with our prefix that no record owns. */
export const orphansCommand: Command = {
  name: 'orphans',
  summary: 'list (or delete) instances with our prefix that no record owns',
  usage: 'orphans [--delete [--yes]]',
  description: [
    'Lists the live Aura instances of the tenant whose names carry the instance prefix',
    'but that no record of the store owns (a lost record, a table restored from backup,',
    'another environment sharing the tenant and prefix). Changes nothing unless --delete',
    'is given; deleting asks first on a terminal and needs --yes elsewhere.',
    '',
    'Exit code 0: no orphans, or all deleted; 1: orphans found and left in place.',
  ].join('\n'),
  flags: {
    delete: { type: 'boolean', description: 'delete the orphans (they cannot be recovered)' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask before deleting (for scripts)' },
  },
  needs: ['aura', 'store'],
  async run(context) {
    const config = requireConfig(context.config, ['aura', 'store']);
    const prefix = config.aura.instancePrefix;
    const aura = openAura(config.aura);
    const opened = await openStore(config.store, context.out);
    context.onClose(opened.close);
    const { orphans, instances } = await scanForReconcile(aura, opened.store, {
      tenantId: config.aura.tenantId,
      prefix,
      retryFailed: false,
      now: Date.now(),
    });
    const rows: OrphanRow[] = orphans.map((orphan) => ({
      ...orphan,
      userId: userIdFromInstanceName(orphan.instanceName, prefix) ?? null,
      action: 'reported',
    }));
    if (context.flags.delete === true && rows.length > 0) {
      const go = await confirmDestructive(
        context,
        `Delete ${rows.length} Aura instance${rows.length === 1 ? '' : 's'} that no record owns? This cannot be undone.`,
      );
      if (go) {
        for (const row of rows) {
          await deleteInstance(aura, row.instanceId);
          row.action = 'deleted';
        }
      } else {
        context.out.note('Cancelled: nothing was deleted.');
      }
    }
    context.out.result({ orphans: rows, count: rows.length, instances }, () =>
      orphanLines(rows, instances, prefix),
    );
    return rows.some((row) => row.action === 'reported') ? EXIT_CODES.problems : EXIT_CODES.ok;
  },
};
