import type { AuraClient } from '../aura/client.js';
import type { AuraProject } from '../aura/resources/v2/aura-v2.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { HostRecord } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';
import {
  type HostJudge,
  judgeSnapshot,
  type NameOwnership,
  type Ownership,
  type Snapshot,
} from './ownership.js';
import { takeSnapshot } from './reconcile-snapshot.js';

/** What a survey reads of a placement's shared hosts: their records, their project, its judgement. */
export interface SurveyHosts {
  records(): Promise<HostRecord[]>;
  project(): AuraProject;
  judge: HostJudge;
}

/** What a survey reads from: the engine's runtime, or the CLI's services. */
export interface SurveyDeps {
  aura: AuraClient;
  store: CredentialStore;
  clock: Clock;
  logger: Logger;
  prefix: string;
  /** How our names are told from another deployment's (resolved once). */
  names(): Promise<NameOwnership>;
  /** With the `database-per-user` placement: the hosts, as their strategy reads them. */
  hosts?: SurveyHosts | undefined;
  reconciling: {
    /** An unowned resource younger than this is never deleted. */
    graceMs: number;
    /** When this process first saw each unowned database of unknown age (kept across passes). */
    firstSeen: Map<string, number>;
  };
}

/** One snapshot and its judgement. */
export interface Survey {
  snapshot: Snapshot;
  judged: Ownership;
  names: NameOwnership;
}

/**
 * Takes one snapshot (Aura, then the records) and judges it: the one reading
 * of the world that reconcile, its timer, `reconcile --dry-run` and
 * `orphans` all decide from. Remembers when each unowned database of unknown
 * age was first seen, so a later pass can prove it old.
 *
 * @example
 * ```ts
 * const { judged } = await survey(rt, await tenantOf(rt));
 * judged.unownedInstances.filter((i) => i.kind === 'orphan');
 * ```
 */
export async function survey(deps: SurveyDeps, tenantId: string): Promise<Survey> {
  const names = await deps.names();
  const hosts = deps.hosts;
  const snapshot = await takeSnapshot({
    aura: deps.aura,
    tenantId,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    hosts: hosts && { store: { listHosts: () => hosts.records() }, project: hosts.project() },
  });
  const { graceMs, firstSeen } = deps.reconciling;
  const now = deps.clock.now();
  const judged = judgeSnapshot(snapshot, {
    prefix: deps.prefix,
    names,
    graceMs,
    now,
    firstSeen,
    judgeHosts: hosts?.judge,
  });
  // Only what is still unowned and of unknown age keeps its first sighting.
  const unaged = new Set(judged.unaged);
  for (const key of firstSeen.keys()) if (!unaged.has(key)) firstSeen.delete(key);
  for (const key of unaged) if (!firstSeen.has(key)) firstSeen.set(key, now);
  return { snapshot, judged, names };
}
