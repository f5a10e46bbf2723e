import { isAuraError } from '../../aura/errors/base.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { applyEvent, type Runtime, tenantOf } from '../runtime.js';
import { IDLE_DEFAULTS } from './defaults.js';
import type { ResolvedIdleOptions } from './idle-options.js';
import { type ResumeDeps, wakeUser } from './resume-step.js';

/** What the idle governor works with. */
export type GovernorDeps = ResumeDeps & Pick<Runtime, 'spec'>;

/** What one sweep did. */
export interface IdleSweepReport {
  /** Users whose instance was asked to pause (for lack of use, or again after Aura resumed it). */
  paused: string[];
  /** Of those, the users whose instance Aura had resumed on its own. */
  pausedAgain: string[];
  /** Users whose record was brought in line with a paused instance (no request sent). */
  marked: string[];
}

/**
 * Pauses idle users' instances and keeps them paused: started by `createProvisioner({ idle })`.
 * Every `sweepIntervalMs` it reads the ready and paused records (instance-per-user only) and
 * - pauses each ready user unused for `pauseAfterMs`: the record says `paused` first (a
 *   compare-and-set), then Aura is asked (a 409 means the instance was not running: the next
 *   listing sets it right);
 * - reads, every sweep, the instance of each user paused for nearly 30 days, when Aura resumes
 *   it on its own: running with no use since the pause, it is paused again; used since, the
 *   user is woken properly (`resuming`, then `ready`);
 * - reads Aura's listing every 6 hours: a ready user whose instance is paused is marked paused
 *   (the next use wakes it), a paused one whose instance runs is handled as above.
 * Its requests are spaced to `maxRequestsPerMinute` and sent only while the client's rate
 * limiter is under half used, so signups' creates and status reads go first.
 *
 * @example
 * ```ts
 * const governor = startIdleGovernor(rt, resolveIdleOptions({ pauseAfterMs: 86_400_000 }));
 * await governor.close();
 * ```
 */
export function startIdleGovernor(rt: GovernorDeps, options: ResolvedIdleOptions) {
  const stop = new AbortController();
  const spacingMs = 60_000 / options.maxRequestsPerMinute;
  let nextSendAt = Number.NEGATIVE_INFINITY;
  let listedAt = Number.NEGATIVE_INFINITY;

  /** Waits for the next request slot: the pace, and a rate limiter under half used. */
  const pace = async (): Promise<void> => {
    const wait = nextSendAt - rt.clock.now();
    if (wait > 0) await rt.clock.sleep(wait, stop.signal);
    while ((rt.aura.rateLimiter.utilization?.() ?? 0) >= IDLE_DEFAULTS.quietUtilization) {
      await rt.clock.sleep(spacingMs, stop.signal);
    }
    nextSendAt = rt.clock.now() + spacingMs;
  };

  /** Sends one request when the pace and the rate limiter allow. */
  const send = async <T>(request: () => Promise<T>): Promise<T> => {
    await pace();
    return request();
  };

  /**
   * Pauses the user's instance: waits for a request slot, reads the record afresh (a sweep
   * spends minutes on its list: a use meanwhile keeps the user running), says `paused`
   * (compare-and-set), then asks Aura.
   */
  const pause = async (
    stale: UserDatabaseRecord,
    report: IdleSweepReport,
    again: boolean,
    stillIdle: (record: UserDatabaseRecord) => boolean,
  ) => {
    await pace();
    const record = await rt.store.get(stale.userId);
    if (!record || record.status !== stale.status || !stillIdle(record)) return;
    const next = await applyEvent(rt, record, { type: 'pause-requested' });
    if (!next || !record.instanceId) return;
    const instanceId = record.instanceId;
    rt.emit({ type: 'paused', userId: record.userId, instanceId });
    report.paused.push(record.userId);
    if (again) report.pausedAgain.push(record.userId);
    try {
      await rt.aura.instances.pause(instanceId);
    } catch (error) {
      if (isAuraError(error, 'conflict')) return;
      if (stop.signal.aborted) throw error;
      rt.logger.warn?.('pause request failed; the next listing sets it right', {
        userId: record.userId,
        error: String(error),
      });
    }
  };

  /** No use since the record was last changed (for a paused record: since the pause). */
  const unusedSinceChange = (record: UserDatabaseRecord) =>
    (record.lastUsedAt ?? Number.NEGATIVE_INFINITY) <= record.updatedAt;

  /** A paused user whose instance runs: paused again, or woken when used since the pause. */
  const running = async (record: UserDatabaseRecord, report: IdleSweepReport) => {
    if (!unusedSinceChange(record)) await wakeUser(rt, record.userId);
    else await pause(record, report, true, unusedSinceChange);
  };

  const sweep = async (): Promise<IdleSweepReport> => {
    const report: IdleSweepReport = { paused: [], pausedAgain: [], marked: [] };
    const now = rt.clock.now();
    const records = (await readRecords(rt)).filter(
      (record) => record.instanceId !== null && record.placement === 'instance-per-user',
    );
    if (now - listedAt >= IDLE_DEFAULTS.listingIntervalMs) {
      listedAt = now;
      const tenantId = await tenantOf(rt);
      const listed = await send(() => rt.aura.instances.list({ tenantId }));
      const statusOf = new Map(listed.map((instance) => [instance.id, instance.status]));
      for (const record of records) {
        const status = statusOf.get(record.instanceId as string);
        if (record.status === 'ready' && status === 'paused') {
          if (await applyEvent(rt, record, { type: 'pause-requested' })) {
            report.marked.push(record.userId);
          }
        } else if (record.status === 'paused' && status === 'running') {
          await running(record, report);
        }
      }
    }
    const idleSince = (record: UserDatabaseRecord) =>
      record.lastUsedAt ?? record.readyAt ?? record.updatedAt;
    const idle = (record: UserDatabaseRecord) =>
      rt.clock.now() - idleSince(record) >= options.pauseAfterMs;
    for (const record of records) {
      if (record.status === 'ready' && now - idleSince(record) >= options.pauseAfterMs) {
        await pause(record, report, false, idle);
      }
      const pausedFor = now - record.updatedAt;
      const watched = IDLE_DEFAULTS.autoResumeMs - IDLE_DEFAULTS.autoResumeWatchMs;
      if (
        record.status === 'paused' &&
        pausedFor >= watched &&
        !report.paused.includes(record.userId)
      ) {
        const instanceId = record.instanceId as string;
        const instance = await send(() => rt.aura.instances.get(instanceId)).catch(() => undefined);
        if (instance?.status === 'running') await running(record, report);
      }
    }
    return report;
  };

  const loop = (async () => {
    while (!stop.signal.aborted) {
      const slept = await rt.clock.sleep(options.sweepIntervalMs, stop.signal).then(
        () => true,
        () => false,
      );
      if (!slept) return;
      await sweep().catch((error: unknown) => {
        if (!stop.signal.aborted) rt.logger.warn?.('idle sweep failed', { error: String(error) });
      });
    }
  })();

  return {
    /** Stops sweeping; resolves once a sweep under way has stopped. */
    async close() {
      stop.abort();
      await loop;
    },
  };
}

/** The ready and paused records, every page. */
async function readRecords(rt: Pick<Runtime, 'store'>): Promise<UserDatabaseRecord[]> {
  const records: UserDatabaseRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await rt.store.list({
      statuses: ['ready', 'paused'],
      order: 'userId',
      limit: 1_000,
      cursor,
    });
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return records;
}
