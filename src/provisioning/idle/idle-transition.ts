import type { UserDatabasePatch, UserDatabaseRecord } from '../../records/record.js';
import { IDLE_DEFAULTS } from './defaults.js';

/** The events this part of the machine reads (a `ProvisioningEvent`, as far as it matters here). */
interface IdleEvent {
  type: string;
  status?: string;
}

/** A `IdleResult`. */
type IdleResult = { ok: true; patch: UserDatabasePatch } | { ok: false; reason: string };

/**
 * The idle policy's moves of the state machine, as a pure function; `undefined` for an event
 * and status it has no say on (the main machine decides those):
 *
 * ```
 * ready  --pause-requested--> paused      paused --pause-requested--> paused (paused again)
 * paused --resume-requested--> resuming   resuming --resume-requested--> resuming (sent again)
 * resuming --status running--> ready      resuming --other status--> resuming (read again)
 * resuming --lasting 404--> failed (instance-lost)
 * ```
 * A hosted user (`database-per-user`) is never paused: its host holds other users' databases.
 * Any other event on a paused or resuming record is refused (`lost` and `deprovision` are the
 * main machine's, decided before).
 *
 * @example
 * ```ts
 * idleTransition(readyRecord, { type: 'pause-requested' }, now); // { ok: true, patch: { status: 'paused', ... } }
 * ```
 */
export function idleTransition(
  record: UserDatabaseRecord,
  event: IdleEvent,
  now: number,
): IdleResult | undefined {
  const { status } = record;
  const refuse = (): IdleResult => ({
    ok: false,
    reason: `${event.type} does not apply to a ${record.placement === 'database-per-user' ? 'hosted ' : ''}${status} record`,
  });
  const rereadAt = now + IDLE_DEFAULTS.resumeReadIntervalMs;
  if (event.type === 'pause-requested') {
    if (record.placement === 'database-per-user' || (status !== 'ready' && status !== 'paused'))
      return refuse();
    return { ok: true, patch: { status: 'paused', nextCheckAt: null } };
  }
  if (event.type === 'resume-requested') {
    if (status !== 'paused' && status !== 'resuming') return refuse();
    return { ok: true, patch: { status: 'resuming', nextCheckAt: rereadAt } };
  }
  if (status !== 'resuming') return status === 'paused' ? refuse() : undefined;
  if (event.type === 'status-seen') {
    if (event.status === 'running') {
      return { ok: true, patch: { status: 'ready', nextCheckAt: null, lastError: null } };
    }
    return { ok: true, patch: { nextCheckAt: rereadAt } };
  }
  if (event.type === 'instance-missing') {
    return { ok: true, patch: { status: 'failed', lastError: 'instance-lost', nextCheckAt: null } };
  }
  return refuse();
}
