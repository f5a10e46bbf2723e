import type { ProvisioningStatus } from '../records/record.js';
import type { CredentialStore } from '../records/store.js';
import type { ProgressReporter, SettledRecord, WaitProgress } from './progress.js';

/** How a wait for records ended. */
export interface WaitOutcome {
  ready: string[];
  failed: { userId: string; reason: string | null }[];
  deleted: string[];
  /** Records still on their way when the wait ended. */
  unsettled: { userId: string; status: ProvisioningStatus }[];
  timedOut: boolean;
  elapsedMs: number;
}

/** Options of {@link waitForRecords}. */
export interface WaitForRecordsOptions {
  timeoutMs: number;
  /** Between two reads of the store (reads cost no Aura budget). */
  pollMs: number;
  reporter: ProgressReporter;
  signal?: AbortSignal | undefined;
  now?: () => number;
}

/** A record's outcome from what the store holds: `undefined` while it is on its way. */
export function settledOutcome(
  status: ProvisioningStatus | null,
): SettledRecord['outcome'] | undefined {
  if (status === null) return 'deleted';
  if (status === 'ready' || status === 'failed') return status;
  return undefined;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Reads the records from the store until each is ready, failed or gone, or
 * the time is up (or `signal` aborts), telling the reporter as they settle.
 * Whoever drives the records (this process's provisioner, or another's), the
 * store says where they stand.
 */
export async function waitForRecords(
  store: CredentialStore,
  userIds: readonly string[],
  options: WaitForRecordsOptions,
): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const outcome: WaitOutcome = {
    ready: [],
    failed: [],
    deleted: [],
    unsettled: [],
    timedOut: false,
    elapsedMs: 0,
  };
  if (userIds.length === 0) return outcome;
  let waiting = new Map<string, ProvisioningStatus>(userIds.map((id) => [id, 'pending']));
  const progress = (): WaitProgress => ({
    total: userIds.length,
    ready: outcome.ready.length,
    failed: outcome.failed.length,
    deleted: outcome.deleted.length,
    elapsedMs: now() - started,
  });
  for (;;) {
    const still = new Map<string, ProvisioningStatus>();
    for (const userId of waiting.keys()) {
      const record = await store.get(userId);
      const settled = settledOutcome(record?.status ?? null);
      if (!settled) {
        still.set(userId, record?.status as ProvisioningStatus);
        continue;
      }
      const reason = settled === 'failed' ? (record?.lastError ?? null) : undefined;
      if (settled === 'failed') outcome.failed.push({ userId, reason: reason ?? null });
      else outcome[settled].push(userId);
      options.reporter.settled({ userId, outcome: settled, reason }, progress());
    }
    waiting = still;
    options.reporter.tick(progress());
    const remaining = started + options.timeoutMs - now();
    if (waiting.size === 0 || remaining <= 0 || options.signal?.aborted) break;
    await sleep(Math.min(options.pollMs, remaining), options.signal);
  }
  outcome.unsettled = [...waiting].map(([userId, status]) => ({ userId, status }));
  outcome.timedOut = waiting.size > 0;
  outcome.elapsedMs = now() - started;
  options.reporter.done(progress());
  return outcome;
}
