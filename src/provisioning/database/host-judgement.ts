import type { HostRecord } from '../../records/host-record.js';
import { isOwnInstanceName, userIdFromInstanceName } from '../../records/instance-name.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import {
  ageOf,
  type HostJudge,
  type HostJudgement,
  kindOf,
  type LostCandidate,
  type UnownedDatabase,
} from '../ownership.js';
import {
  hostDatabaseRole,
  madeAfterCreate,
  ownersOf,
  slotsListed,
  waitingForAnswer,
} from './database-naming.js';

/**
 * The hosts' part of `judgeSnapshot`: each host's databases that no record
 * owns (by id first, then by name; see `ownersOf`) and what each is (the
 * host's own never; what may be its default `unproven`: see `hostDatabaseRole`), the ready
 * users whose database (or whole host) is gone, and each ready host's slots.
 * A database Aura named that may be the answer to a create still unanswered
 * on its host stays `young`. Pure.
 *
 * @example
 * ```ts
 * judgeSnapshot(snapshot, { prefix: 'ap-', names, graceMs, now, judgeHosts });
 * ```
 */
export const judgeHosts: HostJudge = (snapshot, ctx, readyBefore) => {
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
  const judged: HostJudgement = {
    unownedDatabases: [],
    unaged: [],
    goneHosts: [],
    slots: new Map(),
    lost: [],
  };
  for (const host of snapshot.hosts) {
    const listing = host.instanceId ? snapshot.databases.get(host.instanceId) : undefined;
    if (!host.instanceId || listing === undefined) continue;
    const users = placed.get(host.instanceId) ?? [];
    if (listing === 'gone') {
      judged.goneHosts.push(host);
      judged.lost.push(...users.map((user) => lostUser(host, user, true)));
      continue;
    }
    const owners = ownersOf(listing, users);
    const owning = new Set(owners.values());
    for (const user of users) {
      if (readyBefore(user) && !owning.has(user)) judged.lost.push(lostUser(host, user, false));
    }
    // Users whose create is unanswered: what Aura named may still be one of theirs.
    const waiting = waitingForAnswer(listing, users);
    for (const database of listing) {
      const name = (database.name ?? database.id).toLowerCase();
      const role = hostDatabaseRole(database, host, ctx.prefix);
      if (role === 'own' || owners.has(database.id)) continue;
      const key = `${host.instanceId}/${database.id}`;
      const created = ageOf(database.createdAt, ctx.now);
      const seen = ctx.firstSeen?.get(key);
      if (created === undefined) judged.unaged.push(key);
      const ageMs = created ?? (seen === undefined ? undefined : Math.max(0, ctx.now - seen));
      const ownShape = isOwnInstanceName(name, ctx.prefix);
      // Only a name of our making names its user on any host; Aura's may repeat on another.
      const duplicateOf = ownShape ? namedBy.get(name) : undefined;
      // A name Aura gave may be the answer to a waiting user's create (see `settleLostCreate`).
      const mayBeAnswer = !ownShape && waiting.some((u) => madeAfterCreate(u, database, seen));
      // The host is ours (a host record holds it): what is on it needs no tag to be ours,
      // whether its name is of our making or Aura's.
      const kind = mayBeAnswer ? 'young' : kindOf('ours', ageMs, duplicateOf, snapshot, ctx);
      judged.unownedDatabases.push({
        // Perhaps the host's default (see `hostDatabaseRole`): reported, never deleted.
        kind: role === 'maybe-own' ? 'unproven' : kind,
        hostName: host.hostName,
        instanceId: host.instanceId,
        databaseId: database.id,
        databaseName: name,
        userId: duplicateOf ?? userIdFromInstanceName(name, ctx.prefix),
        ageMs,
      } satisfies UnownedDatabase);
    }
    // What takes room on the host: what its listing shows (its default counted, listed or not
    // yet), and the databases placed here that are not listed yet.
    const unlisted = users.filter((user) => !owning.has(user)).length;
    judged.slots.set(host.instanceId, slotsListed(listing, host) + unlisted);
  }
  return judged;
};

function lostUser(host: HostRecord, user: UserDatabaseRecord, hostGone: boolean): LostCandidate {
  return {
    userId: user.userId,
    instanceId: host.instanceId as string,
    databaseName: user.databaseName?.toLowerCase() ?? undefined,
    ...(user.databaseId === null ? {} : { databaseId: user.databaseId }),
    ...(hostGone ? { hostGone } : {}),
  };
}
