import { describe, expect, it } from 'vitest';
import {
  AuraAbortError,
  AuraInstanceFailedError,
  AuraNotFoundError,
  AuraServerError,
  AuraTimeoutError,
} from '../../../src/aura/errors/index.js';
import type { Instance } from '../../../src/aura/schemas.js';
import { nextWaitDelay, type WaitProgress, waitUntilRunning } from '../../../src/aura/wait.js';
import { createTestClock } from '../../../src/testing/test-clock.js';

const ID = 'a1b2c3d4';

const instance = (status: string): Instance => ({
  id: ID,
  name: 'user-42',
  status,
  tenantId: 'tenant-1',
  cloudProvider: 'gcp',
  region: 'europe-west1',
  type: 'professional-db',
  memory: '1GB',
});

const notFound = () =>
  new AuraNotFoundError({
    status: 404,
    statusText: 'Not Found',
    request: { method: 'GET', path: `/v1/instances/${ID}` },
    body: {
      message: `DB not found: ${ID}`,
      errors: [{ message: 'DB not found', reason: 'db-not-found' }],
    },
  });

type Step = string | Error;

/** A `getInstance` that answers each check with the next step (the last one repeats). */
function scripted(steps: Step[]) {
  const calls: { at: number; signal: AbortSignal | undefined }[] = [];
  let clockNow = () => 0;
  const getInstance = async (signal: AbortSignal | undefined) => {
    calls.push({ at: clockNow(), signal });
    const step = steps[Math.min(calls.length, steps.length) - 1] as Step;
    if (step instanceof Error) throw step;
    return instance(step);
  };
  return {
    getInstance,
    calls,
    useClock(clock: { now(): number }) {
      clockNow = () => clock.now();
    },
  };
}

/** Fast defaults for these tests: checks at 0, 5 000, 12 500, 23 750, ... */
const delays = { initialDelayMs: 5_000, maxDelayMs: 20_000 };

function setup(steps: Step[]) {
  const clock = createTestClock({ start: 0 });
  const script = scripted(steps);
  script.useClock(clock);
  return { clock, ...script };
}

describe('nextWaitDelay', () => {
  it('starts at the initial delay and grows by half each check', () => {
    const sequence = [1, 2, 3, 4].map((checks) => nextWaitDelay(checks, 5_000, 20_000));
    expect(sequence).toEqual([5_000, 7_500, 11_250, 16_875]);
  });

  it('is capped by the longest delay', () => {
    expect(nextWaitDelay(5, 5_000, 20_000)).toBe(20_000);
    expect(nextWaitDelay(50, 5_000, 20_000)).toBe(20_000);
  });

  it('treats zero checks like the first', () => {
    expect(nextWaitDelay(0, 5_000, 20_000)).toBe(5_000);
  });

  it('rounds to whole milliseconds', () => {
    expect(nextWaitDelay(2, 1_001, 20_000)).toBe(1_502);
  });
});

describe('waitUntilRunning', () => {
  it('returns the instance once it is running', async () => {
    const { clock, getInstance, calls } = setup(['creating', 'creating', 'running']);
    const result = await clock.runUntil(waitUntilRunning(ID, getInstance, clock, delays));
    expect(result.status).toBe('running');
    expect(calls.map((call) => call.at)).toEqual([0, 5_000, 12_500]);
  });

  it('gives every check a signal that follows the caller signal', async () => {
    const { clock, getInstance, calls } = setup(['creating', 'running']);
    const caller = new AbortController();
    await clock.runUntil(
      waitUntilRunning(ID, getInstance, clock, { ...delays, signal: caller.signal }),
    );
    expect(calls).toHaveLength(2);
    caller.abort(new Error('user left'));
    expect(calls.every((call) => call.signal?.aborted)).toBe(true);
  });

  it('treats a 404 inside the grace window as "not visible yet"', async () => {
    const { clock, getInstance, calls } = setup([notFound(), notFound(), 'running']);
    const wait = waitUntilRunning(ID, getInstance, clock, { ...delays, notFoundGraceMs: 12_500 });
    expect((await clock.runUntil(wait)).status).toBe('running');
    expect(calls).toHaveLength(3);
  });

  it('rethrows a 404 that comes after the grace window', async () => {
    const gone = notFound();
    const { clock, getInstance, calls } = setup(['creating', gone]);
    const wait = waitUntilRunning(ID, getInstance, clock, { ...delays, notFoundGraceMs: 12_499 });
    // Checks at 0 (creating), 5 000 (404, inside), 12 500 (404, outside).
    await expect(clock.runUntil(wait)).rejects.toBe(gone);
    expect(calls.map((call) => call.at)).toEqual([0, 5_000, 12_500]);
  });

  it('rethrows any other error at once', async () => {
    const failure = new AuraServerError({
      status: 500,
      request: { method: 'GET', path: `/v1/instances/${ID}` },
      body: { message: 'boom', errors: [] },
    });
    const { clock, getInstance, calls } = setup([failure]);
    await expect(clock.runUntil(waitUntilRunning(ID, getInstance, clock, delays))).rejects.toBe(
      failure,
    );
    expect(calls).toHaveLength(1);
  });

  it.each(['loading failed', 'destroying'])(
    'stops with AuraInstanceFailedError on "%s"',
    async (status) => {
      const { clock, getInstance, calls } = setup(['creating', status, 'running']);
      const error = await clock
        .runUntil(waitUntilRunning(ID, getInstance, clock, delays))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuraInstanceFailedError);
      expect(error).toMatchObject({
        code: 'instance_failed',
        instanceId: ID,
        instanceStatus: status,
      });
      expect(calls).toHaveLength(2);
    },
  );

  it('fails with AuraTimeoutError at the deadline, after the checks the delays allow', async () => {
    const { clock, getInstance, calls } = setup(['creating']);
    const wait = waitUntilRunning(ID, getInstance, clock, { ...delays, timeoutMs: 20_000 });
    const error = await clock.runUntil(wait).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuraTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 20_000 });
    // 0, +5 000, +7 500, then the 11 250 delay is cut short by the deadline, which ends the wait.
    expect(calls.map((call) => call.at)).toEqual([0, 5_000, 12_500]);
    expect(clock.now()).toBe(20_000);
  });

  it('makes the checks the default delays imply in the default 20 minutes', async () => {
    const { clock, getInstance, calls } = setup(['creating']);
    const error = await clock
      .runUntil(waitUntilRunning(ID, getInstance, clock))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraTimeoutError);
    // 0, 5 000, 12 500, 23 750, 40 625, then every 20 s up to 1 200 000 (the last cut short).
    expect(calls.slice(0, 6).map((call) => call.at)).toEqual([
      0, 5_000, 12_500, 23_750, 40_625, 60_625,
    ]);
    expect(calls.at(-1)?.at).toBe(1_180_625);
    expect(clock.now()).toBe(1_200_000);
    expect(calls).toHaveLength(5 + 57); // 60 625 to 1 180 625 is 57 checks
  });

  it('fails with AuraAbortError when aborted while sleeping', async () => {
    const { clock, getInstance, calls } = setup(['creating']);
    const controller = new AbortController();
    const reason = new Error('user left');
    const outcome = waitUntilRunning(ID, getInstance, clock, {
      ...delays,
      signal: controller.signal,
    }).catch((e: unknown) => e);

    await clock.advance(1_000);
    controller.abort(reason);
    const error = await outcome;

    expect(error).toBeInstanceOf(AuraAbortError);
    expect(error).toMatchObject({ code: 'aborted', cause: reason });
    expect(calls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports status, checks and elapsed time after every check', async () => {
    const { clock, getInstance } = setup(['creating', notFound(), 'running']);
    const progress: WaitProgress[] = [];
    await clock.runUntil(
      waitUntilRunning(ID, getInstance, clock, {
        ...delays,
        onProgress: (p) => progress.push(p),
      }),
    );
    expect(progress).toEqual([
      { instanceId: ID, status: 'creating', checks: 1, elapsedMs: 0 },
      { instanceId: ID, status: 'not-found', checks: 2, elapsedMs: 5_000 },
      { instanceId: ID, status: 'running', checks: 3, elapsedMs: 12_500 },
    ]);
  });

  it('keeps waiting through a status it does not know', async () => {
    const { clock, getInstance, calls } = setup(['migrating', 'migrating', 'running']);
    const result = await clock.runUntil(waitUntilRunning(ID, getInstance, clock, delays));
    expect(result.status).toBe('running');
    expect(calls).toHaveLength(3);
  });
});
