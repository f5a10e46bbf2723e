import { describe, expect, it } from 'vitest';
import type { ProgressReporter } from '../../src/cli/progress.js';
import { settledOutcome, waitForRecords } from '../../src/cli/wait-settled.js';
import { newRecord } from '../../src/records/record.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';

function recordingReporter() {
  const events: string[] = [];
  const reporter: ProgressReporter = {
    settled: (record) => events.push(`${record.outcome} ${record.userId}`),
    tick: () => {},
    done: (p) => events.push(`done ${p.ready}/${p.failed}/${p.deleted} of ${p.total}`),
  };
  return { events, reporter };
}

describe('settledOutcome', () => {
  it('ready, failed and gone are settled; the rest are on their way', () => {
    expect(settledOutcome('ready')).toBe('ready');
    expect(settledOutcome('failed')).toBe('failed');
    expect(settledOutcome(null)).toBe('deleted');
    expect(settledOutcome('creating')).toBeUndefined();
    expect(settledOutcome('deleting')).toBeUndefined();
  });
});

describe('waitForRecords', () => {
  it('reports records as they settle, and ends when all have', async () => {
    const store = new MemoryCredentialStore();
    const { record } = await store.claim(newRecord('u1', 'ap-1', { status: 'creating' }));
    await store.claim(newRecord('u2', 'ap-2', { status: 'failed', lastError: 'boom' }));
    const { events, reporter } = recordingReporter();
    setTimeout(() => void store.update('u1', record.version, { status: 'ready' }), 20);
    const outcome = await waitForRecords(store, ['u1', 'u2', 'u3'], {
      timeoutMs: 5_000,
      pollMs: 10,
      reporter,
    });
    expect(outcome).toMatchObject({
      ready: ['u1'],
      failed: [{ userId: 'u2', reason: 'boom' }],
      deleted: ['u3'],
      unsettled: [],
      timedOut: false,
    });
    expect(events).toEqual(['failed u2', 'deleted u3', 'ready u1', 'done 1/1/1 of 3']);
  });

  it('gives up at the deadline, or at once when aborted, with what is still on its way', async () => {
    const store = new MemoryCredentialStore();
    await store.claim(newRecord('u1', 'ap-1', { status: 'pending' }));
    const timedOut = await waitForRecords(store, ['u1'], {
      timeoutMs: 30,
      pollMs: 10,
      reporter: recordingReporter().reporter,
    });
    expect(timedOut).toMatchObject({
      timedOut: true,
      unsettled: [{ userId: 'u1', status: 'pending' }],
    });
    const aborted = new AbortController();
    setTimeout(() => aborted.abort(), 20);
    const started = Date.now();
    const outcome = await waitForRecords(store, ['u1'], {
      timeoutMs: 60_000,
      pollMs: 60_000,
      reporter: recordingReporter().reporter,
      signal: aborted.signal,
    });
    expect(outcome.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('with nothing to wait for, returns at once without reporting', async () => {
    const { events, reporter } = recordingReporter();
    const outcome = await waitForRecords(new MemoryCredentialStore(), [], {
      timeoutMs: 1_000,
      pollMs: 10,
      reporter,
    });
    expect(outcome.timedOut).toBe(false);
    expect(events).toEqual([]);
  });
});
