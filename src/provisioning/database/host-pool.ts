import { isAuraError } from '../../aura/errors/base.js';
import type { AuraProject } from '../../aura/resources/v2/aura-v2.js';
import type { Database } from '../../aura/schemas-v2.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { CredentialCipher } from '../../records/cipher.js';
import type { ProvisioningEventInfo } from '../../records/events.js';
import {
  type HostRecord,
  type HostStore,
  hostCipherContext,
  newHostRecord,
} from '../../records/host-record.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import type { CredentialStore } from '../../records/store.js';
import { classifyCreateFailure } from '../classify.js';
import type { HostJudge } from '../ownership.js';
import {
  hostNameFor,
  hostNumberOf,
  PLACEMENT_DEFAULTS,
  type ResolvedPlacement,
} from '../placement.js';
import { readAllRecords } from '../reconcile-snapshot.js';
import { slotsListed, UNKNOWN_HOST } from './database-naming.js';
import { judgeHosts } from './host-judgement.js';
import {
  freeSlotsOf,
  HOST_LOST,
  type HostEvent,
  hostTransition,
  isResting,
} from './host-transition.js';

/** What the host pool works with. */
export interface HostPoolDeps {
  project: AuraProject;
  hosts: HostStore;
  /**
   * The users' records: a user waiting here may have been placed by another
   * process since, and users another process left waiting are woken from here.
   */
  users: Pick<CredentialStore, 'get' | 'list'>;
  cipher: CredentialCipher;
  clock: Clock;
  logger: Logger;
  placement: ResolvedPlacement;
  /** When a new host is first read (the poll policy's `expectedCreationMs`); later reads come faster. */
  expectedCreationMs: number;
  emit(event: Omit<ProvisioningEventInfo, 'at'>): void;
}

/** A ready host a user can be placed on (its address known, not resting) with a free slot. */
const hasRoomFor = (host: HostRecord, now: number): boolean =>
  host.status === 'ready' &&
  !!host.instanceId &&
  !!host.connectionUrl &&
  !!host.username &&
  !isResting(host, now) &&
  freeSlotsOf(host) > 0;

/** The hosts, and the users still to place on them, counted once across processes. */
interface DemandLook {
  hosts: HostRecord[];
  /** Free slots of the open hosts, counted from the records placed on them. */
  free: number;
  /** Users not placed yet (pending), whichever process steps them. */
  waiting: number;
}

/** Attempts at a compare-and-set on one host before moving on to the next. */
const CAS_ATTEMPTS = 5;
/** Attempts at a change that must land (a slot handed back, a capacity learned) before giving up. */
const SETTLE_ATTEMPTS = 1_000;

/**
 * The multi-database instances that hold users' databases: hands out slots
 * (a compare-and-set on the host's `used`), opens hosts ahead of need (warm
 * capacity, plus one slot per user still to place, in any process), follows
 * starting hosts with one list call per project, and wakes the users waiting for a host
 * when one is ready. Every change is a compare-and-set on the host record,
 * so several processes may share the hosts. Internal.
 */
export class HostPool {
  readonly #deps: HostPoolDeps;
  /** Users of this process waiting for a free slot. */
  readonly #waiting = new Set<string>();
  readonly #onReady = new Set<(userIds: string[]) => void>();
  readonly #onClaimed = new Set<() => void>();
  /** Whether the last look found `maxHosts` reached (warned once, until it is not). */
  #atMaxHosts = false;
  /** One listing of a host's databases at a time, shared for a moment by the users reading it. */
  readonly #listings = new Map<string, { at: number; databases: Promise<Database[]> }>();
  readonly #firstSeen = new Map<string, number>();
  /** The capacity this process last warned of, by host (each refusal gives its slot back). */
  readonly #learned = new Map<string, number>();
  /** The one look at the demand for slots under way (see `#lookAtDemand`). */
  #look: Promise<DemandLook> | undefined;
  /** The look that follows it, shared by the callers that asked after it began. */
  #nextLook: Promise<DemandLook> | undefined;

  constructor(deps: HostPoolDeps) {
    this.#deps = deps;
  }

  /** Judges the hosts' databases in a reconcile snapshot (see {@link judgeHosts}). */
  readonly judge: HostJudge = judgeHosts;

  get placement(): ResolvedPlacement {
    return this.#deps.placement;
  }

  /** The Aura project the hosts live in (v2beta1). */
  /**
   * Moves `host` as {@link hostTransition} says, with a compare-and-set on its
   * version: the new record, `null` when the host changed meanwhile, or
   * `undefined` when the event does not move it.
   */
  async #apply(host: HostRecord, event: HostEvent): Promise<HostRecord | null | undefined> {
    const result = hostTransition(host, event, this.#deps.clock.now());
    if (!result.ok) return undefined;
    return this.#deps.hosts.updateHost(host.hostName, host.version, result.patch);
  }

  project(): AuraProject {
    return this.#deps.project;
  }

  /** Runs `listener` with the waiting users when a host becomes ready (or frees slots). */
  onSlotsFreed(listener: (userIds: string[]) => void): void {
    this.#onReady.add(listener);
  }

  /**
   * Runs `listener` when this process claims a new host (its create is due at
   * once) or a host starts resting: the upkeep has something due.
   */
  onHostClaimed(listener: () => void): void {
    this.#onClaimed.add(listener);
  }

  /**
   * Takes a slot for `userId` on a ready host (the fullest with room, so
   * hosts fill one after another); `undefined` when none has room: the user
   * is noted as waiting, and a host is opened for it. A user given a slot
   * returns at once, with the hosts as this call saw them (the taken one as
   * it is now): the caller writes its placement, then keeps the warm slots
   * with them (`ensureCapacity(hosts)`), reading the hosts no second time.
   */
  async reserve(userId: string): Promise<{ host: HostRecord; hosts: HostRecord[] } | undefined> {
    const hosts = await this.#deps.hosts.listHosts();
    const now = this.#deps.clock.now();
    const candidates = hosts
      .filter((host) => hasRoomFor(host, now))
      .sort((a, b) => b.used - a.used || (a.hostName < b.hostName ? -1 : 1));
    for (const candidate of candidates) {
      let host: HostRecord | null = candidate;
      // A lost compare-and-set means another user took a slot: while the host has room, try
      // again (many signups in one tick each get one), at most once per slot it had.
      const attempts = CAS_ATTEMPTS + freeSlotsOf(candidate);
      for (let attempt = 0; host && attempt < attempts; attempt++) {
        const taken = await this.#apply(host, { type: 'slot-taken' });
        if (taken === undefined) break; // not ready, or full
        if (taken) {
          this.#waiting.delete(userId);
          const seen = hosts.map((h) => (h.hostName === taken.hostName ? taken : h));
          return { host: taken, hosts: seen };
        }
        host = await this.#deps.hosts.getHost(candidate.hostName);
      }
    }
    this.#waiting.add(userId);
    await this.ensureCapacity(hosts);
    return undefined;
  }

  /**
   * Gives a slot back: a placement undone, or (`databaseDeleted`) a user's
   * database deleted at Aura, which Aura may count for a while yet.
   */
  async release(instanceId: string, options: { databaseDeleted?: boolean } = {}): Promise<void> {
    const freed = await this.#applyToHostOf(instanceId, {
      type: 'slot-released',
      databaseDeleted: options.databaseDeleted === true,
    });
    if (freed) await this.#wakeWaiting(1);
  }

  /**
   * Whether a ready host has a free slot now. A user that has just been
   * stored as waiting asks this: a slot handed back (in any process) after
   * its look at the hosts and before its record said it waits is seen here,
   * since whoever hands a slot back looks for waiting users after.
   */
  async hasRoom(): Promise<boolean> {
    const hosts = await this.#deps.hosts.listHosts();
    const now = this.#deps.clock.now();
    return hosts.some((host) => hasRoomFor(host, now));
  }

  /**
   * Moves the host holding `instanceId` by `event` (a compare-and-set, read
   * again on a lost race, until it lands: a slot handed back must not be lost
   * to a busy host, where many users take slots at once). The new record, or
   * `undefined` when the event does not move it (or the host is gone).
   */
  async #applyToHostOf(instanceId: string, event: HostEvent): Promise<HostRecord | undefined> {
    const { hosts } = this.#deps;
    let host = (await hosts.listHosts()).find((h) => h.instanceId === instanceId) ?? null;
    // Each lost race is another writer's success, so this ends; the bound is a safety net.
    for (let attempt = 0; host && attempt < SETTLE_ATTEMPTS; attempt++) {
      const next = await this.#apply(host, event);
      if (next !== null) return next;
      host = await hosts.getHost(host.hostName);
    }
    if (host) {
      this.#deps.logger.warn?.('a host change lost every race; reconcile counts it again', {
        hostName: host.hostName,
        event: event.type,
      });
    }
    return undefined;
  }

  /**
   * Marks a host whose instance Aura no longer has: `failed` with
   * `host-lost`, so nobody is placed on it and it does not hold back new
   * hosts the way a refused one does. Whether this call marked it.
   */
  async markLost(host: HostRecord): Promise<boolean> {
    const marked = await this.#apply(host, { type: 'lost' });
    if (host.instanceId) this.invalidate(host.instanceId);
    return !!marked;
  }

  /** Every host record. */
  records(): Promise<HostRecord[]> {
    return this.#deps.hosts.listHosts();
  }

  /**
   * Sets a host's `used` to `used` (counted from the records) if it differs;
   * the new record, or undefined when unchanged or changed meanwhile. A slot
   * taken while the records were read shows in neither count: Aura's own
   * limit then refuses the extra database, and that user is placed again.
   */
  async recount(host: HostRecord, used: number): Promise<HostRecord | undefined> {
    const next = await this.#apply(host, { type: 'recounted', used });
    if (next && used < host.used) await this.#wakeWaiting(host.used - used);
    return next ?? undefined;
  }

  /**
   * Opens hosts until the free slots of ready and starting hosts, less the
   * users still to place (every pending user, whichever process steps it),
   * reach `warmSlots`. The hosts' counts and this process's waiting users
   * say when to look; the records decide (see `#lookAtDemand`). A host is
   * claimed by name (`<prefix>host-<n+1>`), so two processes racing open one,
   * not two.
   */
  async ensureCapacity(known?: HostRecord[]): Promise<void> {
    const { placement, clock } = this.#deps;
    let hosts = known ?? (await this.#deps.hosts.listHosts());
    // A host Aura refused lately (a quota, billing, a bad spec) stops new ones for a while:
    // otherwise every waiting user would open, and fail, one host after another.
    const since = clock.now() - PLACEMENT_DEFAULTS.hostFailureBackoffMs;
    const refused = hosts.find(
      (h) => h.status === 'failed' && h.updatedAt > since && h.lastError !== HOST_LOST,
    );
    if (refused) {
      this.#deps.logger.warn?.('not opening a host: a host failed lately', {
        hostName: refused.hostName,
        reason: refused.lastError,
      });
      return;
    }
    const open = (host: HostRecord) =>
      host.status === 'ready' || host.status === 'creating' || host.status === 'pending';
    const free = hosts.filter(open).reduce((sum, host) => sum + freeSlotsOf(host), 0);
    // Room for everyone waiting here, and warmSlots to spare for the next signups?
    if (free >= this.#waiting.size + placement.warmSlots) return;
    // Before billing a host: the slots and the users who need one, from the records (see
    // `#lookAtDemand`), not from the hosts' counts, which include slots held for a moment.
    const look = await this.#lookAtDemand();
    hosts = look.hosts;
    let slots = look.free;
    for (let opened = 0; opened < 1_000; opened++) {
      if (slots >= look.waiting + placement.warmSlots) return;
      if (this.#reachedMaxHosts(hosts)) return;
      const next =
        hosts.reduce(
          (max, host) => Math.max(max, hostNumberOf(host.hostName, placement.hostPrefix) ?? 0),
          0,
        ) + 1;
      // A capacity Aura taught on a host of this spec is the one a new host starts with.
      const capacity = hosts.reduce((min, h) => Math.min(min, h.capacity), placement.capacity);
      const { claimed, record } = await this.#deps.hosts.claimHost(
        newHostRecord(hostNameFor(placement.hostPrefix, next), capacity, {
          nextCheckAt: this.#deps.clock.now(),
        }),
      );
      if (claimed) {
        this.#deps.logger.info?.('opening a host', { hostName: record.hostName });
        for (const listener of this.#onClaimed) listener();
      }
      // Claimed here, or by another process since the look: its slots are new either way.
      if (open(record)) slots += freeSlotsOf(record);
      hosts = [...hosts.filter((h) => h.hostName !== record.hostName), record];
    }
  }

  /** Whether `maxHosts` hosts (failed ones not counted) are open; warns when it first is. */
  #reachedMaxHosts(hosts: readonly HostRecord[]): boolean {
    const { maxHosts } = this.#deps.placement;
    const open = hosts.filter((h) => h.status !== 'failed').length;
    const reached = open >= maxHosts;
    if (reached && !this.#atMaxHosts) {
      this.#deps.logger.warn?.('not opening a host: maxHosts reached; users wait for a free slot', {
        maxHosts,
        waiting: this.#waiting.size,
      });
    }
    this.#atMaxHosts = reached;
    return reached;
  }

  /**
   * One round of host upkeep: sends the create of every pending host that is
   * due, reads the starting ones (one list call for all), makes them ready,
   * ends the rests that are over, and wakes the waiting users. Returns when
   * it should run again.
   */
  async maintain(): Promise<number> {
    const { clock } = this.#deps;
    const now = clock.now();
    const hosts = await this.#deps.hosts.listHosts();
    const due = (host: HostRecord) => host.nextCheckAt !== null && host.nextCheckAt <= now;
    await Promise.all(
      hosts
        .filter((host) => host.status === 'pending' && due(host))
        .map((host) => this.#create(host)),
    );
    const starting = hosts.filter((host) => host.status === 'creating' && due(host));
    if (starting.length > 0) await this.#readStarting(starting);
    await this.#endRests(hosts.filter((host) => host.status === 'ready' && due(host)));
    if (this.#waiting.size > 0) await this.ensureCapacity();
    const after = await this.#deps.hosts.listHosts();
    const next = after
      .filter(
        (host) =>
          host.status === 'pending' ||
          host.status === 'creating' ||
          (host.status === 'ready' && host.nextCheckAt !== null),
      )
      .map((host) => host.nextCheckAt ?? now)
      .reduce((min, at) => Math.min(min, at), Number.POSITIVE_INFINITY);
    return next;
  }

  /** Ends the rests that are over (see `learnCapacity`) and wakes users for the slots they free. */
  async #endRests(rested: HostRecord[]): Promise<void> {
    let freed = 0;
    for (const host of rested) {
      const next = await this.#apply(host, { type: 'rest-ended' });
      if (next) freed += freeSlotsOf(next);
    }
    if (freed > 0) await this.#wakeWaiting(freed);
  }

  /** Sends a pending host's create, under a lease so that one process sends it. */
  async #create(pending: HostRecord): Promise<void> {
    const { clock, project, placement, cipher, logger } = this.#deps;
    const leased = await this.#apply(pending, { type: 'create-attempt' });
    if (!leased) return; // another process has it
    if (leased.attempts > 1) {
      // An earlier attempt may have opened the instance and lost its answer (and with it the
      // password, which Aura never shows again): such an instance is of no use; delete it.
      const found = await project.instances.findByName(leased.hostName).catch(() => undefined);
      if (found === undefined) {
        await this.#apply(leased, { type: 'create-undecided' });
        return;
      }
      for (const instance of found) {
        await project.instances.delete(instance.id).catch((error: unknown) => {
          if (!isAuraError(error, 'not_found')) throw error;
        });
      }
    }
    const { host } = placement;
    let created: Awaited<ReturnType<AuraProject['instances']['create']>>;
    try {
      created = await project.instances.create({
        name: leased.hostName,
        type: host.type,
        memory: host.memory,
        region: host.region,
        cloudProvider: host.cloudProvider,
        ...(host.storage ? { storage: host.storage } : {}),
        multiDatabase: true,
      });
    } catch (error) {
      const failure = classifyCreateFailure(error);
      logger.warn?.('opening a host failed', { hostName: leased.hostName, reason: failure.reason });
      const event: HostEvent =
        failure.kind === 'deferred'
          ? {
              type: 'create-deferred',
              reason: failure.reason,
              refused: failure.refused,
              ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            }
          : { type: 'create-rejected', reason: failure.reason };
      await this.#apply(leased, event);
      if (event.type === 'create-rejected') {
        this.#deps.emit({ type: 'failed', instanceName: leased.hostName, reason: failure.reason });
      }
      return;
    }
    const encryptedPassword = await cipher.encrypt(
      created.password.reveal(),
      hostCipherContext(leased.hostName),
    );
    const stored = await this.#apply(leased, {
      type: 'create-accepted',
      instanceId: created.id,
      connectionUrl: created.connectionUrl ?? null,
      username: created.username ?? null,
      encryptedPassword,
      readAt: clock.now() + this.#deps.expectedCreationMs,
      defaultDatabaseId: created.defaultDatabaseId,
    });
    if (!stored) {
      // The record moved on meanwhile (deleted by an operator): the instance is nobody's.
      await project.instances.delete(created.id).catch(() => {});
      return;
    }
    this.#deps.emit({
      type: 'creating',
      instanceId: created.id,
      instanceName: leased.hostName,
    });
  }

  /** Reads every starting host with one list of the project's instances. */
  async #readStarting(starting: HostRecord[]): Promise<void> {
    const { project } = this.#deps;
    let statuses: Map<string, string | undefined>;
    try {
      const listed = await project.instances.list();
      statuses = new Map(listed.map((instance) => [instance.id, instance.status]));
    } catch (error) {
      this.#deps.logger.warn?.('reading the starting hosts failed; will retry', {
        error: String(error),
      });
      return;
    }
    let freed = 0;
    for (const host of starting) {
      if (!host.instanceId) continue;
      const status = statuses.get(host.instanceId);
      const next = await this.#apply(host, {
        type: 'status-seen',
        status,
        intervalMs: this.#interval(),
        listedIds: await this.#ownDatabaseIds(host, status),
      });
      if (next?.status === 'ready') {
        freed += freeSlotsOf(next);
        this.#deps.emit({
          type: 'ready',
          instanceId: host.instanceId,
          instanceName: host.hostName,
        });
      }
    }
    if (freed > 0) await this.#wakeWaiting(freed);
  }

  /**
   * The ids of the databases a running host lists before it is ready (so
   * before anyone is placed on it: the compare-and-set that makes it ready
   * proves it was not meanwhile), when Aura's create answer named no default
   * database. `undefined` when not needed or the listing failed.
   */
  async #ownDatabaseIds(host: HostRecord, status: string | undefined) {
    if (status !== 'running' || host.defaultDatabaseIds !== null || !host.instanceId) return;
    try {
      return (await this.#deps.project.databases.list(host.instanceId)).map((d) => d.id);
    } catch (error) {
      this.#deps.logger.warn?.("listing a new host's databases failed", {
        hostName: host.hostName,
        error: String(error),
      });
      return undefined;
    }
  }

  /** Between reads of a starting host: a third of the expected creation time, 1 to 10 s. */
  #interval(): number {
    return Math.min(
      PLACEMENT_DEFAULTS.hostCheckIntervalMs,
      Math.max(PLACEMENT_DEFAULTS.minReadIntervalMs, this.#deps.expectedCreationMs / 3),
    );
  }

  /**
   * Wakes the users waiting for room now that `freed` slots are free: those
   * of this process, and up to `freed` users any process stored as waiting
   * (oldest first), so that a slot handed back here does not stay free while
   * a user of another process waits for its recheck. Those of this process
   * do not stand in for the others: some may have been placed by another
   * process since this one last looked (a woken user with no room waits again).
   */
  async #wakeWaiting(freed: number): Promise<void> {
    const userIds = [...this.#waiting, ...(await this.#waitingElsewhere(freed))];
    if (userIds.length === 0) return;
    for (const listener of this.#onReady) listener(userIds);
  }

  /**
   * Up to `count` users stored as waiting for a host that this process does
   * not know of, oldest wait first. A waiting user is `pending` and due at its
   * recheck, at most `hostWaitMs` from now; a failed read wakes nobody (each
   * waiting user still has its recheck).
   */
  async #waitingElsewhere(count: number): Promise<string[]> {
    const dueBefore = this.#deps.clock.now() + PLACEMENT_DEFAULTS.hostWaitMs;
    const page = await this.#deps.users
      .list({ statuses: ['pending'], dueBefore, limit: PLACEMENT_DEFAULTS.wakeScanLimit })
      .catch((error: unknown) => {
        this.#deps.logger.warn?.('looking for users waiting for a host failed', {
          error: String(error),
        });
        return { records: [] };
      });
    return page.records
      .filter((r) => r.waitingForHostSince !== null && !this.#waiting.has(r.userId))
      .sort((a, b) => (a.waitingForHostSince ?? 0) - (b.waitingForHostSince ?? 0))
      .slice(0, count)
      .map((r) => r.userId);
  }

  /**
   * The hosts, then every record: the free slots of the open hosts and the
   * users still to place, both counted from the records, so each user counts
   * once (placed on a host, or pending) whichever process steps it. A host's
   * `used` would count a slot taken for a moment (a user being placed whose
   * record still says pending, a slot about to be handed back) while that
   * user is counted as waiting too: two processes opened a host too many.
   * (A slot `used` counts with no record behind it, left by a stopped process,
   * is seen as free here: no host opens for it; reconcile counts it again.)
   * Users waiting here that are no longer pending are forgotten. One look at
   * a time; a look that began before this call may predate a placement this
   * call must see (another process's), so the call waits for it and then for
   * a fresh look, which every caller meanwhile shares.
   */
  #lookAtDemand(): Promise<DemandLook> {
    if (this.#nextLook) return this.#nextLook;
    const look = (): Promise<DemandLook> => {
      const current = this.#readDemand().finally(() => {
        this.#look = undefined;
      });
      this.#look = current;
      return current;
    };
    if (!this.#look) return look();
    const next = this.#look
      .catch(() => undefined)
      .then(() => {
        this.#nextLook = undefined;
        return look();
      });
    this.#nextLook = next;
    return next;
  }

  async #readDemand(): Promise<DemandLook> {
    const hosts = await this.#deps.hosts.listHosts();
    // Only users noted before the records were read can be judged from them.
    const noted = [...this.#waiting];
    const { records } = await readAllRecords(this.#deps.users);
    const onHost = new Map<string, number>();
    const pending = new Set<string>();
    for (const record of records) {
      if (record.placement !== 'database-per-user') continue;
      if (record.instanceId) {
        onHost.set(record.instanceId, (onHost.get(record.instanceId) ?? 0) + 1);
      } else if (record.status === 'pending') {
        pending.add(record.userId);
      }
    }
    for (const userId of noted) if (!pending.has(userId)) this.#waiting.delete(userId);
    // A host's own databases take a slot (as its count starts at one); every record placed on it
    // another, whatever its status, until its slot is handed back with the record.
    const free = hosts
      .filter((h) => h.status === 'ready' || h.status === 'creating' || h.status === 'pending')
      .reduce((sum, h) => {
        const held = 1 + (h.instanceId ? (onHost.get(h.instanceId) ?? 0) : 0);
        return sum + Math.max(0, h.capacity - held);
      }, 0);
    return { hosts, free, waiting: pending.size };
  }

  /** Forgets a waiting user (placed elsewhere, deprovisioned). */
  forget(userId: string): void {
    this.#waiting.delete(userId);
  }

  /**
   * The databases of a host, one listing shared by the users that read it
   * within `listingShareMs` of each other.
   */
  listDatabases(instanceId: string): Promise<Database[]> {
    const now = this.#deps.clock.now();
    const shared = this.#listings.get(instanceId);
    if (shared && now - shared.at <= PLACEMENT_DEFAULTS.listingShareMs) return shared.databases;
    const databases = this.#deps.project.databases.list(instanceId);
    this.#listings.set(instanceId, { at: now, databases });
    databases.then(
      (listed) => {
        for (const database of listed) {
          if (!this.#firstSeen.has(database.id)) this.#firstSeen.set(database.id, now);
        }
      },
      () => this.#listings.delete(instanceId),
    );
    return databases;
  }

  /** When this process first listed a database (by id), if it ever did. */
  firstSeen(databaseId: string): number | undefined {
    return this.#firstSeen.get(databaseId);
  }

  /**
   * Aura refused a database for the host's limit: the databases it holds now
   * are its real capacity (whatever 5 per GB or the option said). Stored, so
   * every process and every reconcile count with it; nobody is placed on it
   * until a slot frees, and the next host opens with this capacity too. The
   * refused user's slot comes back with it (the user is placed again). Soon
   * after a user's database there was deleted, the refusal may count the
   * deleted one: the capacity stays, and the host rests (takes nobody) for
   * `hostRestMs`; the upkeep then wakes the users waiting for its free slot.
   */
  async learnCapacity(instanceId: string): Promise<void> {
    this.invalidate(instanceId);
    const listed = await this.listDatabases(instanceId);
    const host = (await this.#deps.hosts.listHosts()).find((h) => h.instanceId === instanceId);
    // Counted as reconcile counts a host's slots: the default takes one, listed or not.
    const held = slotsListed(listed, host ?? UNKNOWN_HOST);
    const learned = await this.#applyToHostOf(instanceId, { type: 'capacity-learned', held });
    if (learned && isResting(learned, this.#deps.clock.now())) {
      this.#deps.logger.info?.('a host refused a database soon after a delete: it rests', {
        hostName: learned.hostName,
        until: learned.nextCheckAt,
      });
      // The upkeep ends the rest (it may be asleep until its next round).
      for (const listener of this.#onClaimed) listener();
    } else if (learned && this.#learned.get(learned.hostName) !== learned.capacity) {
      this.#learned.set(learned.hostName, learned.capacity);
      this.#deps.logger.warn?.('a host holds fewer databases than assumed: capacity learned', {
        hostName: learned.hostName,
        capacity: learned.capacity,
      });
    }
    await this.ensureCapacity();
  }

  /**
   * Deletes a user's database on a host, from a fresh listing: the one with
   * the record's `databaseId` where Aura's answer was stored, else those named
   * `databaseName` (case-insensitively); one already gone counts as deleted.
   * Throws what Aura throws otherwise (a host that is gone: `not_found`).
   */
  async deleteDatabase(
    instanceId: string,
    record: Pick<UserDatabaseRecord, 'databaseId' | 'databaseName'>,
  ): Promise<void> {
    const { databases } = this.#deps.project;
    this.invalidate(instanceId);
    const wanted = record.databaseName?.toLowerCase();
    const isTheUsers = (database: Database) =>
      record.databaseId === null
        ? database.name?.toLowerCase() === wanted
        : database.id === record.databaseId;
    for (const database of await this.listDatabases(instanceId)) {
      if (!isTheUsers(database)) continue;
      await databases.delete(instanceId, database.id).catch((error: unknown) => {
        if (!isAuraError(error, 'not_found')) throw error;
      });
    }
    this.invalidate(instanceId);
  }

  /** Forgets shared listings of a host (a database was created or deleted there). */
  invalidate(instanceId: string): void {
    this.#listings.delete(instanceId);
  }
}
