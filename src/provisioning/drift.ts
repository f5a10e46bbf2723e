import type { HostRecord } from '../records/host-record.js';
import type { LostCandidate } from './ownership.js';
import type { Survey } from './reconcile-survey.js';
import { isLive, type UnownedDeps } from './reconcile-unowned.js';
import { applyEvent, type Runtime } from './runtime.js';

/** How a placement with shared hosts heals what a survey found gone of them (its strategy's part). */
export interface LostHosts {
  /** Marks a host whose instance is gone (`failed`, `host-lost`): whether this call marked it. */
  markLost(host: HostRecord): Promise<boolean>;
  /** A fresh look at a hosted user's database the snapshot did not show: whether it is gone. */
  databaseGone(candidate: LostCandidate): Promise<boolean>;
  /** Gives back the slot of a database gone from a live host. */
  release(instanceId: string): Promise<void>;
}

/**
 * What reconcile does with a user whose instance (or database, or host) is
 * gone behind the library: `reprovision` (default) sends the record back to
 * pending, its attempts and history kept, and provisions it again;
 * `fail` fails it for an operator to retry.
 */
export type LostPolicy = 'reprovision' | 'fail';

/** Something found gone behind the library, and what reconcile did. */
export interface LostResource {
  /** `instance`: a user's own instance; `database`: a user's database on a host; `host`: a whole host. */
  what: 'instance' | 'database' | 'host';
  /** The user (absent for a host). */
  userId?: string | undefined;
  instanceId: string;
  /** The host's name, for a host. */
  hostName?: string | undefined;
  databaseName?: string | undefined;
  /** `reprovisioned` or `failed` for a user (under the `lost` policy); `marked` for a host. */
  action: 'reprovisioned' | 'failed' | 'marked';
}

/** The `lastError` of a record healed from a lost resource. */
const reasonOf = (candidate: LostCandidate) =>
  candidate.hostGone ? 'host-lost' : candidate.databaseName ? 'database-lost' : 'instance-lost';

/**
 * Confirms and heals what a survey found gone: each gone host is marked
 * (`failed`, `host-lost`: no user is placed on it again, and it does not
 * hold back new hosts), and each user whose resource is confirmed gone (a
 * status read for an instance, a fresh listing for a database, the host's
 * 404 already for a host) moves on under the policy. A record that changed
 * since the snapshot is left to the next pass.
 */
export async function healLost(
  rt: UnownedDeps,
  { judged }: Survey,
  policy: LostPolicy,
  hosts: LostHosts | undefined,
): Promise<LostResource[]> {
  const healed: LostResource[] = [];
  for (const host of judged.goneHosts) {
    if (!hosts || !host.instanceId) continue;
    if (await hosts.markLost(host)) {
      rt.emit({
        type: 'lost',
        instanceId: host.instanceId,
        instanceName: host.hostName,
        reason: 'host-lost',
      });
      healed.push({
        what: 'host',
        instanceId: host.instanceId,
        hostName: host.hostName,
        action: 'marked',
      });
    }
  }
  for (const candidate of judged.lost) {
    if (!(await confirmedGone(rt, candidate, hosts))) continue;
    const record = await rt.store.get(candidate.userId);
    if (!record || record.instanceId !== candidate.instanceId) continue;
    const reason = reasonOf(candidate);
    const reprovision = policy === 'reprovision';
    const next = await applyEvent(rt, record, { type: 'lost', reason, reprovision });
    if (!next) continue;
    rt.emit({
      type: 'lost',
      userId: record.userId,
      instanceId: candidate.instanceId,
      instanceName:
        record.placement === 'database-per-user'
          ? (record.databaseName ?? undefined)
          : record.instanceName,
      databaseName: candidate.databaseName,
      reason,
    });
    // Its database is gone from a live host: so is the slot it took (a new one is taken).
    if (candidate.databaseName && !candidate.hostGone) await hosts?.release(candidate.instanceId);
    if (reprovision) await rt.scheduler.schedule(record.userId, rt.clock.now());
    healed.push({
      what: candidate.databaseName ? 'database' : 'instance',
      userId: record.userId,
      instanceId: candidate.instanceId,
      databaseName: candidate.databaseName,
      action: reprovision ? 'reprovisioned' : 'failed',
    });
  }
  return healed;
}

/** A second look, after the records were read: the snapshot's absence is not proof alone. */
async function confirmedGone(
  rt: Pick<Runtime, 'aura'>,
  candidate: LostCandidate,
  hosts: LostHosts | undefined,
): Promise<boolean> {
  if (candidate.hostGone) return true;
  if (candidate.databaseName === undefined) return !(await isLive(rt, candidate.instanceId));
  return hosts ? hosts.databaseGone(candidate) : false;
}
