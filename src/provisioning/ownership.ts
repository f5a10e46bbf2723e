import type { Database } from '../aura/schemas-v2.js';
import type { UnownedKind } from '../records/events.js';
import type { HostRecord } from '../records/host-record.js';
import { isOwnInstanceName, nameTagOf, userIdFromInstanceName } from '../records/instance-name.js';
import type { UserDatabaseRecord } from '../records/record.js';
import { BUILT_IN_DATABASES, madeAfterCreate } from './database/database-naming.js';
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
}

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

const ageOf = (createdAt: string | undefined, now: number): number | undefined => {
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
function kindOf(
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
  return {
    unownedInstances,
    ...judgeHosts(snapshot, ctx, readyBefore, lost),
    lost,
    counts,
  };
}

/** The hosts' part of {@link judgeSnapshot}: their databases, lost users and slots. */
function judgeHosts(
  snapshot: Snapshot,
  ctx: OwnershipContext,
  readyBefore: (record: UserDatabaseRecord) => boolean,
  lost: LostCandidate[],
): Pick<Ownership, 'unownedDatabases' | 'unaged' | 'goneHosts' | 'slots'> {
  /** Hosted records by host instance id. */
  const placed = new Map<string, UserDatabaseRecord[]>();
  /** Every hosted record's database name (lower case): the user it belongs to. */
  const namedBy = new Map<string, string>();
  for (const record of snapshot.records) {
    if (record.placement !== 'database-per-user' || !record.instanceId || !record.databaseName) {
      continue;
    }
    placed.set(record.instanceId, [...(placed.get(record.instanceId) ?? []), record]);
    namedBy.set(record.databaseName.toLowerCase(), record.userId);
  }
  const unownedDatabases: UnownedDatabase[] = [];
  const unaged: string[] = [];
  const goneHosts: HostRecord[] = [];
  const slots = new Map<string, number>();
  for (const host of snapshot.hosts) {
    const listing = host.instanceId ? snapshot.databases.get(host.instanceId) : undefined;
    if (!host.instanceId || listing === undefined) continue;
    const users = placed.get(host.instanceId) ?? [];
    if (listing === 'gone') {
      goneHosts.push(host);
      for (const user of users) {
        lost.push({
          userId: user.userId,
          instanceId: host.instanceId,
          databaseName: user.databaseName ?? undefined,
          hostGone: true,
        });
      }
      continue;
    }
    const here = new Set(users.map((u) => (u.databaseName as string).toLowerCase()));
    const listed = new Set(listing.map((d) => (d.name ?? d.id).toLowerCase()));
    // Users whose create is unsettled: what Aura named may still be one of theirs.
    const waiting = users.filter(
      (u) => u.status === 'creating' && !listed.has((u.databaseName as string).toLowerCase()),
    );
    for (const user of users) {
      const name = (user.databaseName as string).toLowerCase();
      if (readyBefore(user) && !listed.has(name)) {
        lost.push({ userId: user.userId, instanceId: host.instanceId, databaseName: name });
      }
    }
    for (const database of listing) {
      const name = (database.name ?? database.id).toLowerCase();
      if (BUILT_IN_DATABASES.has(name) || here.has(name)) continue;
      const key = `${host.instanceId}/${database.id}`;
      const created = ageOf(database.createdAt, ctx.now);
      const seen = ctx.firstSeen?.get(key);
      if (created === undefined) unaged.push(key);
      const ageMs = created ?? (seen === undefined ? undefined : Math.max(0, ctx.now - seen));
      const ownShape = isOwnInstanceName(name, ctx.prefix);
      // Only a name of our making names its user on any host; Aura's may repeat on another.
      const duplicateOf = ownShape ? namedBy.get(name) : undefined;
      // A name Aura gave may be the answer to a waiting user's create (see `settleLostCreate`).
      const mayBeAnswer = !ownShape && waiting.some((u) => madeAfterCreate(u, database, seen));
      // The host is ours (a host record holds it): what is on it needs no tag to be ours,
      // whether its name is of our making or Aura's.
      unownedDatabases.push({
        kind: mayBeAnswer ? 'young' : kindOf('ours', ageMs, duplicateOf, snapshot, ctx),
        hostName: host.hostName,
        instanceId: host.instanceId,
        databaseId: database.id,
        databaseName: name,
        userId: duplicateOf ?? userIdFromInstanceName(name, ctx.prefix),
        ageMs,
      });
    }
    // What takes room on the host: every listed database (`system` aside), `neo4j`, and the
    // databases placed here that are not listed yet.
    const taking = new Set([...listed, ...here, 'neo4j']);
    taking.delete('system');
    slots.set(host.instanceId, taking.size);
  }
  return { unownedDatabases, unaged, goneHosts, slots };
}
