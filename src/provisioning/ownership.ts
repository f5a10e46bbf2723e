import type { Database } from '../aura/schemas-v2.js';
import type { UnownedKind } from '../records/events.js';
import type { HostRecord } from '../records/host-record.js';
import { isOwnInstanceName, nameTagOf, userIdFromInstanceName } from '../records/instance-name.js';
import type { UserDatabaseRecord } from '../records/record.js';
import { hostNumberOf, hostPrefixFor } from './placement.js';

export type { UnownedKind } from '../records/events.js';

/** How this deployment's names are told from others' (see `deploymentTag`). */
export type NameOwnership =
  /** Our names carry this tag; untagged ones are unproven. */
  | { tag: string }
  /** Untagged names under our prefix are ours alone (the option `deployment: false`). */
  | { exclusivePrefix: true }
  /** The store could not name its deployment: nothing unowned is proven ours. */
  | { unknown: true };

/** What Aura showed, listed before the records were read. */
export interface AuraListing {
  /** When the listing started: anything it shows existed then. */
  takenAt: number;
  instances: readonly { id: string; name: string; createdAt?: string | undefined }[];
  /** Host records, read before their databases were listed. */
  hosts: readonly HostRecord[];
  /** Each ready host's databases by its instance id, or `gone` when Aura answered 404. */
  databases: ReadonlyMap<string, readonly Database[] | 'gone'>;
}

/** A listing and the records read after it. */
export interface Snapshot extends AuraListing {
  records: readonly UserDatabaseRecord[];
  /** Whether the store kept the order asked for (a read that saw every record exactly once). */
  consistent: boolean;
}

/** What judging a snapshot needs besides it. */
export interface OwnershipContext {
  prefix: string;
  names: NameOwnership;
  /** An unowned resource younger than this is never deleted. */
  graceMs: number;
  now: number;
  /** When this process first saw a database of unknown age unowned, by `hostId/databaseId`. */
  firstSeen?: ReadonlyMap<string, number>;
  /** The hosts' part, with the `database-per-user` placement (its strategy judges them). */
  judgeHosts?: HostJudge | undefined;
}

/** The hosts' part of {@link judgeSnapshot}: their databases, lost users and slots. */
export type HostJudgement = Pick<
  Ownership,
  'unownedDatabases' | 'unaged' | 'goneHosts' | 'slots'
> & {
  lost: LostCandidate[];
};

/** Judges the hosts of a snapshot; `readyBefore` tells a user ready before the listing. */
export type HostJudge = (
  snapshot: Snapshot,
  ctx: OwnershipContext,
  readyBefore: (record: UserDatabaseRecord) => boolean,
) => HostJudgement;

/** An instance of our making that no record owns by id. */
export interface UnownedInstance {
  kind: UnownedKind;
  instanceId: string;
  instanceName: string;
  /** The user: the record's, for a duplicate; the name's, where it encodes one (UUID ids). */
  userId: string | undefined;
  /** ms since Aura created it, when known. */
  ageMs: number | undefined;
}

/** A database on one of our hosts (named by us or by Aura) that no record owns. */
export interface UnownedDatabase {
  kind: UnownedKind;
  hostName: string;
  instanceId: string;
  databaseId: string;
  databaseName: string;
  userId: string | undefined;
  ageMs: number | undefined;
}

/** A ready user whose instance (or database) Aura did not list: to confirm before healing. */
export interface LostCandidate {
  userId: string;
  instanceId: string;
  /** For a hosted user: the database, and whether its whole host is gone. */
  databaseName?: string | undefined;
  /** For a hosted user: the id Aura gave its database, once stored (it names the database). */
  databaseId?: string | undefined;
  hostGone?: boolean;
}

/** Every judgement over one snapshot. */
export interface Ownership {
  unownedInstances: UnownedInstance[];
  unownedDatabases: UnownedDatabase[];
  /** `host:db` keys of the unowned databases of unknown age seen now (for `firstSeen`). */
  unaged: string[];
  lost: LostCandidate[];
  /** Ready hosts Aura answered 404 for. */
  goneHosts: HostRecord[];
  /** Slots per ready host, counted from its listing and the records placed on it. */
  slots: Map<string, number>;
  /** Instances named by the prefix, by what they are. */
  counts: { owned: number; hosts: number; other: number };
}

/** ms since `createdAt` (an ISO time) at `now`, when it parses. */
export const ageOf = (createdAt: string | undefined, now: number): number | undefined => {
  const at = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return Number.isFinite(at) ? Math.max(0, now - at) : undefined;
};

/** Whose a name is, by its tag, before age and records are asked. */
function provenance(name: string, ctx: OwnershipContext): 'ours' | 'foreign' | 'unproven' {
  const tag = nameTagOf(name, ctx.prefix);
  if ('tag' in ctx.names)
    return tag === undefined ? 'unproven' : tag === ctx.names.tag ? 'ours' : 'foreign';
  if (tag !== undefined) return 'foreign';
  return 'exclusivePrefix' in ctx.names ? 'ours' : 'unproven';
}

/**
 * The kind of an unowned resource: foreign or unproven by its name (or the
 * read), young by its age, then a duplicate if a record holds its name.
 */
export function kindOf(
  provenanceOf: 'ours' | 'foreign' | 'unproven',
  ageMs: number | undefined,
  duplicateOf: string | undefined,
  snapshot: Snapshot,
  ctx: OwnershipContext,
): UnownedKind {
  if (provenanceOf !== 'ours') return provenanceOf;
  if (!snapshot.consistent) return 'unproven';
  if (ageMs === undefined || ageMs < ctx.graceMs) return 'young';
  return duplicateOf !== undefined ? 'duplicate' : 'orphan';
}

/**
 * Judges a snapshot: which instances and databases of ours no record owns
 * (and what each is), which ready users Aura no longer lists, which hosts are
 * gone, and each host's slots. A record owns the resource whose id it holds;
 * a record with no id yet (its create unsettled) owns its name. Pure.
 *
 * @example
 * ```ts
 * const { unownedInstances } = judgeSnapshot(snapshot, { prefix: 'ap-', names: { tag: 'k3x9' }, graceMs: 600_000, now });
 * ```
 */
export function judgeSnapshot(snapshot: Snapshot, ctx: OwnershipContext): Ownership {
  const heldIds = new Set<string>();
  const unsettledNames = new Set<string>();
  const settledNames = new Map<string, string>();
  for (const record of snapshot.records) {
    if (record.instanceId) heldIds.add(record.instanceId);
    if (record.placement === 'database-per-user') continue;
    if (record.instanceId) settledNames.set(record.instanceName, record.userId);
    else unsettledNames.add(record.instanceName);
  }
  const hostIds = new Set(snapshot.hosts.flatMap((h) => (h.instanceId ? [h.instanceId] : [])));
  const hostPrefix = hostPrefixFor(ctx.prefix);
  const counts = { owned: 0, hosts: 0, other: 0 };
  const unownedInstances: UnownedInstance[] = [];
  for (const instance of snapshot.instances) {
    if (!instance.name.startsWith(ctx.prefix)) continue;
    if (hostNumberOf(instance.name, hostPrefix) !== undefined || hostIds.has(instance.id)) {
      counts.hosts++;
    } else if (!isOwnInstanceName(instance.name, ctx.prefix)) {
      counts.other++;
    } else if (heldIds.has(instance.id) || unsettledNames.has(instance.name)) {
      counts.owned++;
    } else {
      const ageMs = ageOf(instance.createdAt, ctx.now);
      const duplicateOf = settledNames.get(instance.name);
      unownedInstances.push({
        kind: kindOf(provenance(instance.name, ctx), ageMs, duplicateOf, snapshot, ctx),
        instanceId: instance.id,
        instanceName: instance.name,
        userId: duplicateOf ?? userIdFromInstanceName(instance.name, ctx.prefix),
        ageMs,
      });
    }
  }
  const listedIds = new Set(snapshot.instances.map((i) => i.id));
  const lost: LostCandidate[] = [];
  const readyBefore = (record: UserDatabaseRecord) =>
    record.status === 'ready' && (record.readyAt ?? record.updatedAt) < snapshot.takenAt;
  for (const record of snapshot.records) {
    if (!record.instanceId || record.placement === 'database-per-user' || !readyBefore(record)) {
      continue;
    }
    if (!listedIds.has(record.instanceId)) {
      lost.push({ userId: record.userId, instanceId: record.instanceId });
    }
  }
  const hosts = ctx.judgeHosts?.(snapshot, ctx, readyBefore) ?? NO_HOSTS;
  return { unownedInstances, ...hosts, lost: [...lost, ...hosts.lost], counts };
}

const NO_HOSTS: HostJudgement = {
  unownedDatabases: [],
  unaged: [],
  goneHosts: [],
  slots: new Map(),
  lost: [],
};
