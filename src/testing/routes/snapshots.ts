import { findInstance, phaseDurations } from '../instance-registry.js';
import { enter, startAction } from '../lifecycle.js';
import { uniqueId } from '../random-ids.js';
import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import type { SnapshotRecord } from '../state.js';
import { instanceWire, isoSeconds, snapshotWire } from '../wire.js';
import { instanceNotFound, ongoingOperation } from './route-checks.js';

const snapshotNotFound = (id: string): Reply =>
  auraError(404, 'snapshot-not-found', `Snapshot not found: ${id}`);

const findSnapshot = (context: RouteContext): SnapshotRecord | undefined =>
  context.state.snapshots.find(
    (s) => s.instanceId === context.params.instanceId && s.snapshotId === context.params.snapshotId,
  );

/** `POST /instances/{id}/snapshots`: an ad-hoc snapshot, `InProgress` for a while. */
function takeSnapshot({ state, params, now }: RouteContext): Reply {
  const id = params.instanceId ?? '';
  const record = findInstance(state, id, now);
  if (!record) return instanceNotFound(id);
  if (!startAction(record.phase.status, 'snapshot').allowed) {
    return ongoingOperation(record.phase.status);
  }
  const snapshotId = uniqueId(state.ids.snapshotId, (sid) =>
    state.snapshots.some((s) => s.snapshotId === sid),
  );
  state.snapshots.push({
    snapshotId,
    instanceId: id,
    profile: 'AdHoc',
    takenAt: now,
    completesAt: now + state.options.transitionMs.snapshot,
    exportable: record.type !== 'free-db',
  });
  return dataReply(202, { snapshot_id: snapshotId });
}

/**
 * `GET /instances/{id}/snapshots?date=YYYY-MM-DD` (default: today, UTC). The spec
 * lists no 400 here, so a date that is no date simply matches nothing.
 */
function listSnapshots({ state, params, incoming, now }: RouteContext): Reply {
  const id = params.instanceId ?? '';
  if (!findInstance(state, id, now)) return instanceNotFound(id);
  const day = incoming.query.date ?? isoSeconds(now).slice(0, 10);
  const snapshots = state.snapshots.filter(
    (s) => s.instanceId === id && isoSeconds(s.takenAt).slice(0, 10) === day,
  );
  return dataReply(
    200,
    snapshots.map((s) => snapshotWire(s, now)),
  );
}

/** `GET /instances/{id}/snapshots/{sid}`. */
function getSnapshot(context: RouteContext): Reply {
  const { state, params, now } = context;
  const id = params.instanceId ?? '';
  if (!findInstance(state, id, now)) return instanceNotFound(id);
  const snapshot = findSnapshot(context);
  if (!snapshot) return snapshotNotFound(params.snapshotId ?? '');
  return dataReply(200, snapshotWire(snapshot, now));
}

/** `POST /instances/{id}/snapshots/{sid}/restore`: 202 with the instance `restoring`. */
function restoreSnapshot(context: RouteContext): Reply {
  const { state, params, now } = context;
  const id = params.instanceId ?? '';
  const record = findInstance(state, id, now);
  if (!record) return instanceNotFound(id);
  const snapshot = findSnapshot(context);
  if (!snapshot) return snapshotNotFound(params.snapshotId ?? '');
  if (now < snapshot.completesAt) return ongoingOperation('snapshot in progress');
  if (!startAction(record.phase.status, 'restore').allowed) {
    return ongoingOperation(record.phase.status);
  }
  record.phase = enter('restoring', now, phaseDurations(state, record));
  return dataReply(202, instanceWire(record));
}

/** Taking, listing, reading and restoring snapshots. */
export const SNAPSHOT_ROUTES: readonly Route[] = [
  { method: 'POST', pattern: '/instances/:instanceId/snapshots', handle: takeSnapshot },
  { method: 'GET', pattern: '/instances/:instanceId/snapshots', handle: listSnapshots },
  { method: 'GET', pattern: '/instances/:instanceId/snapshots/:snapshotId', handle: getSnapshot },
  {
    method: 'POST',
    pattern: '/instances/:instanceId/snapshots/:snapshotId/restore',
    handle: restoreSnapshot,
  },
];
