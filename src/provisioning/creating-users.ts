import type { UserDatabaseRecord } from '../records/record.js';
import type { IdleReader } from './idle-reader.js';
import type { ProbeTrust } from './probe-trust.js';

/** The per-user state this process keeps while a user is creating. */
interface CreatingState {
  probeTrust: ProbeTrust;
  idleReader: IdleReader;
}

/**
 * The record is (re)seen creating, with its planned read at `nextCheckAt`:
 * the idle reader may read it before then. `lastReadAt` is when a status read
 * last saw it creating (`-Infinity`: none in this process yet, as after the
 * create or on resume). Records not creating, or without an instance or a
 * planned read, are left alone.
 */
export function trackCreating(
  rt: Pick<CreatingState, 'idleReader'>,
  record: UserDatabaseRecord,
  lastReadAt = Number.NEGATIVE_INFINITY,
): void {
  const { status, instanceId, createRequestedAt, nextCheckAt } = record;
  if (status !== 'creating' || !instanceId || createRequestedAt === null || nextCheckAt === null) {
    return;
  }
  rt.idleReader.track(record.userId, {
    instanceId,
    createRequestedAt,
    lastReadAt,
    plannedAt: nextCheckAt,
  });
}

/** The user is no longer creating: the probe's trust and the idle reader let go of them. */
export function forgetCreating(rt: CreatingState, userId: string): void {
  rt.probeTrust.forget(userId);
  rt.idleReader.forget(userId);
}
