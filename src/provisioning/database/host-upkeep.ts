import { PLACEMENT_DEFAULTS } from '../placement.js';
import type { Runtime } from '../runtime.js';
import type { HostPool } from './host-pool.js';

/**
 * The hosts' upkeep, for as long as the provisioner runs: opens the hosts that
 * were claimed, follows the starting ones, and wakes the users waiting for
 * room. Sleeps until the next host is due, or until a host is claimed.
 * Resolves `stop()` once the round under way has ended.
 */
export function keepHosts(
  rt: Pick<Runtime, 'scheduler' | 'clock' | 'logger'>,
  hosts: HostPool,
): { stop(): Promise<void> } {
  const { clock, logger, scheduler } = rt;
  const stopHosts = new AbortController();
  let wakeHosts = new AbortController();
  const keeping = (async () => {
    hosts.onSlotsFreed((userIds) => {
      for (const userId of userIds) void scheduler.schedule(userId, clock.now());
    });
    hosts.onHostClaimed(() => wakeHosts.abort());
    while (!stopHosts.signal.aborted) {
      const next = await hosts.maintain().catch((error: unknown) => {
        logger.warn?.('host upkeep failed; will retry', { error: String(error) });
        return clock.now() + PLACEMENT_DEFAULTS.hostCheckIntervalMs;
      });
      const now = clock.now();
      const wait = Math.min(Math.max(next - now, 0), PLACEMENT_DEFAULTS.hostIdleCheckMs);
      wakeHosts = new AbortController();
      const signal = AbortSignal.any([stopHosts.signal, wakeHosts.signal]);
      await clock.sleep(Math.max(wait, 1), signal).catch(() => {});
    }
  })();
  return {
    stop() {
      stopHosts.abort();
      return keeping;
    },
  };
}
