import type { AuraClient } from '../../aura/client.js';
import { isAuraError } from '../../aura/errors/base.js';
import { userIdFromInstanceName } from '../../records/instance-name.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { confirmDestructive } from '../confirm.js';
import { EXIT_CODES } from '../exit-codes.js';
import {
  type FoundOrphan,
  type FoundOrphanDatabase,
  type ReconcileSnapshot,
  scanWithHosts,
} from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { openAura, openStore } from '../services.js';

/** One orphan as `orphans` reports it. */
export interface OrphanRow extends FoundOrphan {
  /** The user its name encodes (UUID user ids only). */
  userId: string | null;
  action: 'reported' | 'deleted';
}

/** One orphan database as `orphans` reports it (placement `database-per-user`). */
export interface OrphanDatabaseRow extends FoundOrphanDatabase {
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
  const { owned, destroying, hosts, foreign } = counts;
  const named = `named "${prefix}..."`;
  let line: string;
  if (owned + destroying === 0) line = `No orphans: no instance is ${named}.`;
  else if (destroying === 0)
    line = `No orphans: ${owned === 1 ? 'the 1 instance' : `all ${owned} instances`} ${named} ${owned === 1 ? 'has' : 'have'} a record.`;
  else
    line = `No orphans: ${plural(owned, 'instance')} ${named} ${owned === 1 ? 'has' : 'have'} a record; ${destroying} without one ${destroying === 1 ? 'is' : 'are'} being deleted (destroying).`;
  const lines = [line];
  if (hosts > 0) {
    lines.push(
      `${plural(hosts, 'host')} of the database-per-user placement ("${prefix}host-..."): see \`aura-provisioner hosts\`.`,
    );
  }
  if (foreign > 0) {
    lines.push(
      `${plural(foreign, 'other instance')} starting with "${prefix}" ${foreign === 1 ? 'has' : 'have'} a name the provisioner does not make: left alone.`,
    );
  }
  return lines;
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

function orphanDatabaseLines(rows: readonly OrphanDatabaseRow[] | undefined): string[] {
  if (rows === undefined) return [];
  if (rows.length === 0) return ['No orphan databases on the ready hosts.'];
  const table = rows.map((o) => [o.hostName, o.databaseName, o.userId ?? '-', o.action]);
  const deleted = rows.some((o) => o.action === 'deleted');
  return [
    ...formatTable(['HOST', 'DATABASE', 'USER', 'ACTION'], table),
    deleted
      ? `${plural(rows.length, 'orphan database')} deleted; \`aura-provisioner reconcile\` counts the hosts' slots again.`
      : `${plural(rows.length, 'orphan database')} on our hosts.`,
  ];
}

/** What `--delete` asks about: `2 Aura instances and 1 database on our hosts`. */
function deletionSubject(instances: number, databases: number): string {
  const parts = [
    instances > 0 ? plural(instances, 'Aura instance') : '',
    databases > 0 ? `${plural(databases, 'database')} on our hosts` : '',
  ];
  return parts.filter(Boolean).join(' and ');
}

/** A 404 on a delete: it is already gone. */
function ignoreGone(error: unknown): void {
  if (!isAuraError(error, 'not_found')) throw error;
}

/** Deletes one instance; a 404 means it is already gone. */
async function deleteInstance(aura: AuraClient, instanceId: string): Promise<void> {
  await aura.instances.delete(instanceId).catch(ignoreGone);
}

// The placement too: with database-per-user, the hosts' databases are looked at.
const NEEDS = ['aura', 'store', 'placement'] as const;

/** `orphans [--delete [--yes]]`: instances with our prefix that no record owns. */
export const orphansCommand: Command = {
  name: 'orphans',
  summary:
    'list (or delete) instances with our prefix (and databases on our hosts) that no record owns',
  usage: 'orphans [--delete [--yes]]',
  description: [
    'Lists the live Aura instances of the tenant whose names carry the instance prefix',
    'but that no record of the store owns (a lost record, a table restored from backup,',
    'another environment sharing the tenant and prefix). Changes nothing unless --delete',
    'is given; deleting asks first on a terminal and needs --yes elsewhere.',
    '',
    'With AURA_PLACEMENT=database-per-user it also lists the databases on the ready hosts',
    'whose names carry the prefix but that no record owns (--json: "orphanDatabases");',
    '--delete deletes those too, and the next `reconcile` counts the slots again.',
    '',
    'Exit code 0: no orphans, or all deleted; 1: orphans found and left in place.',
  ].join('\n'),
  flags: {
    delete: { type: 'boolean', description: 'delete the orphans (they cannot be recovered)' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask before deleting (for scripts)' },
  },
  needs: NEEDS,
  async run(context) {
    const config = requireConfig(context.config, NEEDS);
    const prefix = config.aura.instancePrefix;
    const aura = openAura(config.aura);
    const opened = await openStore(config.store, context.out);
    context.onClose(opened.close);
    const { snapshot, project, databases } = await scanWithHosts(aura, opened.store, config, {
      retryFailed: false,
    });
    const { orphans, instances } = snapshot;
    const rows: OrphanRow[] = orphans.map((orphan) => ({
      ...orphan,
      userId: userIdFromInstanceName(orphan.instanceName, prefix) ?? null,
      action: 'reported',
    }));
    const databaseRows: OrphanDatabaseRow[] | undefined = databases?.map((orphan) => ({
      ...orphan,
      userId: userIdFromInstanceName(orphan.databaseName, prefix) ?? null,
      action: 'reported',
    }));
    const subject = deletionSubject(rows.length, databaseRows?.length ?? 0);
    if (context.flags.delete === true && subject !== '') {
      const go = await confirmDestructive(
        context,
        `Delete ${subject} that no record owns? This cannot be undone.`,
      );
      if (go) {
        for (const row of rows) {
          await deleteInstance(aura, row.instanceId);
          row.action = 'deleted';
        }
        for (const row of databaseRows ?? []) {
          await project?.databases.delete(row.instanceId, row.databaseId).catch(ignoreGone);
          row.action = 'deleted';
        }
      } else {
        context.out.note('Cancelled: nothing was deleted.');
      }
    }
    const result = {
      orphans: rows,
      count: rows.length,
      instances,
      ...(databaseRows ? { orphanDatabases: databaseRows } : {}),
    };
    context.out.result(result, () => [
      ...orphanLines(rows, instances, prefix),
      ...orphanDatabaseLines(databaseRows),
    ]);
    const reported = [...rows, ...(databaseRows ?? [])].some((row) => row.action === 'reported');
    return reported ? EXIT_CODES.problems : EXIT_CODES.ok;
  },
};
