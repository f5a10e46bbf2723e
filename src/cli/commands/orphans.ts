import type { AuraClient } from '../../aura/client.js';
import { isAuraError } from '../../aura/errors/base.js';
import type { UnownedKind } from '../../records/events.js';
import type { Command } from '../command.js';
import { requireConfig } from '../config.js';
import { confirmDestructive } from '../confirm.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type FoundOrphan, type InstanceCounts, surveyForCli } from '../orphan-scan.js';
import { formatTable } from '../output.js';
import { openAura, openStore } from '../services.js';

/** One unowned instance as `orphans` reports it. */
export interface OrphanRow extends Omit<FoundOrphan, 'userId'> {
  userId: string | null;
  action: 'reported' | 'deleted';
}

/** One unowned database as `orphans` reports it (placement `database-per-user`). */
export interface OrphanDatabaseRow {
  hostName: string;
  instanceId: string;
  databaseId: string;
  databaseName: string;
  kind: UnownedKind;
  userId: string | null;
  action: 'reported' | 'deleted';
}

/** What each kind means, for the lines under the table. */
const KIND_NOTES: Record<UnownedKind, string> = {
  orphan: "orphan: this deployment's, no record owns it, older than the grace period",
  young: 'young: younger than the grace period (or of unknown age): a create may be settling',
  duplicate: "duplicate: a user's name whose id the user's record does not hold",
  foreign: "foreign: another deployment's (its name carries another tag): never deleted",
  unproven: "unproven: nothing proves it this deployment's: never deleted",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the instances with the prefix's names are, when none is an orphan: each count said, so
 * the sentence stays true with an unowned one being deleted or a name of someone else's.
 */
function noOrphanLines(counts: InstanceCounts, prefix: string): string[] {
  const { owned, destroying, hosts, other } = counts;
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
  if (other > 0) {
    lines.push(
      `${plural(other, 'other instance')} starting with "${prefix}" ${other === 1 ? 'has' : 'have'} a name the provisioner does not make: left alone.`,
    );
  }
  return lines;
}

/** The notes of the kinds present. */
const kindLines = (kinds: readonly UnownedKind[]) =>
  [...new Set(kinds)].map((kind) => `  ${KIND_NOTES[kind]}`);

function orphanLines(
  orphans: readonly OrphanRow[],
  counts: InstanceCounts,
  prefix: string,
): string[] {
  if (orphans.length === 0) return noOrphanLines(counts, prefix);
  const rows = orphans.map((o) => [
    o.instanceId,
    o.instanceName,
    o.kind,
    o.instanceStatus,
    o.userId ?? '-',
    o.action,
  ]);
  const deletable = orphans.filter((o) => o.kind === 'orphan' && o.action === 'reported').length;
  const deleted = orphans.filter((o) => o.action === 'deleted').length;
  const summary = [
    `${plural(orphans.length, 'instance')} no record owns`,
    deleted > 0 ? `${deleted} deleted` : '',
    deletable > 0
      ? `${plural(deletable, 'orphan')} to delete with \`aura-provisioner orphans --delete --yes\``
      : '',
  ];
  return [
    ...formatTable(['INSTANCE', 'NAME', 'KIND', 'STATUS', 'USER', 'ACTION'], rows),
    `${summary.filter(Boolean).join('; ')}.`,
    ...kindLines(orphans.map((o) => o.kind)),
  ];
}

function orphanDatabaseLines(rows: readonly OrphanDatabaseRow[] | undefined): string[] {
  if (rows === undefined) return [];
  if (rows.length === 0) return ['No orphan databases on the ready hosts.'];
  const table = rows.map((o) => [o.hostName, o.databaseName, o.kind, o.userId ?? '-', o.action]);
  const deleted = rows.some((o) => o.action === 'deleted');
  return [
    ...formatTable(['HOST', 'DATABASE', 'KIND', 'USER', 'ACTION'], table),
    deleted
      ? `${plural(rows.length, 'database')} no record owns; deleted what was proven orphan; \`aura-provisioner reconcile\` counts the hosts' slots again.`
      : `${plural(rows.length, 'database')} on our hosts that no record owns.`,
    ...kindLines(rows.map((o) => o.kind)),
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
    const found = await surveyForCli(aura, opened.store, config);
    const { orphans, instances, project } = found;
    const rows: OrphanRow[] = orphans.map((orphan) => ({
      ...orphan,
      userId: orphan.userId ?? null,
      action: 'reported',
    }));
    const databaseRows: OrphanDatabaseRow[] | undefined = project
      ? found.judged.unownedDatabases.map(({ ageMs: _, ...database }) => ({
          ...database,
          userId: database.userId ?? null,
          action: 'reported',
        }))
      : undefined;
    // Only what is proven this deployment's, old enough, and owned by no record is deleted.
    const doomed = rows.filter((row) => row.kind === 'orphan');
    const doomedDatabases = (databaseRows ?? []).filter((row) => row.kind === 'orphan');
    const foreign = rows.filter((row) => row.kind === 'foreign').length;
    const subject = deletionSubject(doomed.length, doomedDatabases.length);
    if (context.flags.delete === true && foreign > 0) {
      context.out.note(
        `Another deployment shares the prefix "${prefix}" (${plural(foreign, 'instance')} carry another deployment's tag): nothing was deleted. Give each deployment its own AURA_INSTANCE_PREFIX.`,
      );
    } else if (context.flags.delete === true && subject !== '') {
      const go = await confirmDestructive(
        context,
        `Delete ${subject} that no record owns? This cannot be undone.`,
      );
      if (go) {
        for (const row of doomed) {
          await deleteInstance(aura, row.instanceId);
          row.action = 'deleted';
        }
        for (const row of doomedDatabases) {
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
