import { describe, expect, it } from 'vitest';
import {
  CreationTimeEstimator,
  DEFAULT_POLL_POLICY,
  failedRetryAt,
  nextStatusCheckAt,
  type PollPolicy,
  pastDeadline,
  ReadOutcomeTracker,
  withinNotFoundGrace,
} from '../../../src/provisioning/poll-policy.js';

const SECOND = 1_000;
const T0 = Date.UTC(2026, 0, 1);
const policy: PollPolicy = {
  ...DEFAULT_POLL_POLICY,
  expectedCreationMs: 90 * SECOND,
  minIntervalMs: 10 * SECOND,
  maxIntervalMs: 60 * SECOND,
  backoffFactor: 1.5,
  notFoundGraceMs: 90 * SECOND,
  deadlineMs: 30 * 60 * SECOND,
};

/** Reads at each time the policy returns, from create until the instance is up at `creationMs`. */
function simulate(creationMs: number, p = policy) {
  const reads: number[] = [];
  let at = nextStatusCheckAt(T0, T0, p);
  for (;;) {
    reads.push(at - T0);
    if (at - T0 >= creationMs || at >= T0 + p.deadlineMs) break;
    at = nextStatusCheckAt(T0, at, p);
  }
  return { reads, latencyMs: (reads.at(-1) as number) - creationMs };
}

describe('nextStatusCheckAt', () => {
  it('waits for the expected creation time before the first read', () => {
    expect(nextStatusCheckAt(T0, T0, policy)).toBe(T0 + 90 * SECOND);
    expect(nextStatusCheckAt(T0, T0 + 75 * SECOND, policy)).toBe(T0 + 90 * SECOND);
  });

  it('reads no sooner than minIntervalMs after a read made before the expected time', () => {
    // The learned expected time moved past a read scheduled with an earlier one: not a read
    // every few hundred ms as it creeps ahead of each.
    expect(nextStatusCheckAt(T0, T0 + 89 * SECOND, policy)).toBe(T0 + 99 * SECOND);
    const short = { ...policy, deadlineMs: 95 * SECOND };
    expect(nextStatusCheckAt(T0, T0 + 89 * SECOND, short)).toBe(T0 + 95 * SECOND);
  });

  it('reads every minIntervalMs right after the expected time', () => {
    expect(nextStatusCheckAt(T0, T0 + 90 * SECOND, policy)).toBe(T0 + 100 * SECOND);
  });

  it('grows the intervals geometrically by backoffFactor from minIntervalMs up to maxIntervalMs', () => {
    const intervals = simulate(policy.deadlineMs).reads.map((at, i, all) => at - (all[i - 1] ?? 0));
    expect(intervals.slice(0, 10)).toEqual(
      [90, 10, 10, 10, 15, 22.5, 33.75, 50.625, 60, 60].map((s) => s * SECOND),
    );
    for (let i = 2; i < intervals.length - 1; i++) {
      const [prev, cur] = [intervals[i - 1] as number, intervals[i] as number];
      expect(cur).toBeGreaterThanOrEqual(policy.minIntervalMs);
      expect(cur).toBeLessThanOrEqual(policy.maxIntervalMs);
      expect(cur).toBeLessThanOrEqual(prev * policy.backoffFactor + 1e-6);
      if (cur > policy.minIntervalMs && cur < policy.maxIntervalMs) {
        expect(cur / prev).toBeCloseTo(policy.backoffFactor, 9);
      }
    }
  });

  it('follows backoffFactor and the bounds of another policy', () => {
    const fast = {
      ...policy,
      expectedCreationMs: 0,
      minIntervalMs: 1_000,
      maxIntervalMs: 8_000,
      backoffFactor: 2,
    };
    const { reads } = simulate(60_000, fast);
    expect(reads).toEqual([1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64].map((s) => s * SECOND));
  });

  it('never schedules past the deadline', () => {
    const deadline = T0 + policy.deadlineMs;
    expect(nextStatusCheckAt(T0, deadline - SECOND, policy)).toBe(deadline);
    expect(nextStatusCheckAt(T0, deadline + 5 * SECOND, policy)).toBe(deadline);
    const late = { ...policy, expectedCreationMs: policy.deadlineMs + 60 * SECOND };
    expect(nextStatusCheckAt(T0, T0, late)).toBe(deadline);
    for (const at of simulate(policy.deadlineMs).reads) {
      expect(at).toBeLessThanOrEqual(policy.deadlineMs);
    }
  });

  it('sees an instance that takes 150 s in 6 reads, 7.5 s after it came up', () => {
    const { reads, latencyMs } = simulate(150 * SECOND);
    expect(reads).toEqual([90, 100, 110, 120, 135, 157.5].map((s) => s * SECOND));
    expect(latencyMs).toBe(7.5 * SECOND);
  });

  it('sees a fast instance at the first read', () => {
    expect(simulate(60 * SECOND)).toEqual({ reads: [90 * SECOND], latencyMs: 30 * SECOND });
  });

  it('keeps the latency under a fraction of the time waited past the expected time', () => {
    for (let c = 91 * SECOND; c < policy.deadlineMs; c += 7 * SECOND) {
      const bound = Math.min(
        policy.maxIntervalMs,
        Math.max(
          policy.minIntervalMs,
          (c - policy.expectedCreationMs) * (policy.backoffFactor - 1),
        ),
      );
      expect(simulate(c).latencyMs).toBeLessThan(bound);
    }
  });
});

describe('deadline and not-found grace', () => {
  it('is past the deadline from deadlineMs after create on', () => {
    expect(pastDeadline(T0, T0 + policy.deadlineMs - 1, policy)).toBe(false);
    expect(pastDeadline(T0, T0 + policy.deadlineMs, policy)).toBe(true);
  });

  it('treats a 404 as not visible yet up to notFoundGraceMs after create', () => {
    expect(withinNotFoundGrace(T0, T0 + policy.notFoundGraceMs, policy)).toBe(true);
    expect(withinNotFoundGrace(T0, T0 + policy.notFoundGraceMs + 1, policy)).toBe(false);
  });
});

describe('failedRetryAt', () => {
  it.each([
    [0, 60],
    [1, 60],
    [2, 120],
    [3, 240],
    [5, 960],
    [6, 1_800],
    [40, 1_800],
  ])('after attempt %i waits %i s (doubling from base, capped at max)', (attempts, seconds) => {
    expect(failedRetryAt(T0, attempts, 60 * SECOND, 1_800 * SECOND)).toBe(T0 + seconds * SECOND);
  });
});

describe('CreationTimeEstimator', () => {
  it('answers the fallback until 10 creations were observed', () => {
    const estimator = new CreationTimeEstimator(90 * SECOND);
    for (let i = 1; i <= 9; i++) {
      estimator.observe(i * SECOND);
      expect(estimator.estimate()).toBe(90 * SECOND);
    }
    estimator.observe(10 * SECOND);
    expect(estimator.estimate()).not.toBe(90 * SECOND);
  });

  it('answers the 25th percentile of the window', () => {
    const estimator = new CreationTimeEstimator(90 * SECOND);
    // Shuffled 1..101: the 25th percentile is 26 (index 25 of 0..100).
    const values = Array.from({ length: 101 }, (_, i) => ((i * 37) % 101) + 1);
    for (const value of values) estimator.observe(value);
    expect(estimator.estimate()).toBe(26);
    const ten = new CreationTimeEstimator(1);
    for (const value of [100, 90, 80, 70, 60, 50, 40, 30, 20, 10]) ten.observe(value);
    expect(ten.estimate()).toBe(30);
  });

  it('honours another quantile', () => {
    const estimator = new CreationTimeEstimator(1, { quantile: 0.5 });
    for (let i = 1; i <= 11; i++) estimator.observe(i);
    expect(estimator.estimate()).toBe(6);
  });

  it('keeps only the last `size` observations', () => {
    const estimator = new CreationTimeEstimator(90 * SECOND, { size: 20 });
    for (let i = 0; i < 20; i++) estimator.observe(1_000);
    for (let i = 0; i < 20; i++) estimator.observe(500_000);
    expect(estimator.estimate()).toBe(500_000);
    for (let i = 0; i < 14; i++) estimator.observe(2_000);
    // 14 of 2,000 and 6 of 500,000 remain: the 25th percentile is 2,000.
    expect(estimator.estimate()).toBe(2_000);
  });

  it('ignores durations that are not positive', () => {
    const estimator = new CreationTimeEstimator(90 * SECOND);
    for (const bad of [0, -5, Number.NaN, -Infinity]) {
      for (let i = 0; i < 10; i++) estimator.observe(bad);
    }
    expect(estimator.estimate()).toBe(90 * SECOND);
    for (let i = 0; i < 10; i++) estimator.observe(40 * SECOND);
    estimator.observe(0);
    estimator.observe(-1);
    expect(estimator.estimate()).toBe(40 * SECOND);
  });
});

describe('ReadOutcomeTracker', () => {
  it('moves later on a read that finds the instance creating, earlier on one that finds it running', () => {
    const tracker = new ReadOutcomeTracker(100 * SECOND, { creatingShare: 0.2, step: 0.05 });
    expect(tracker.estimate()).toBe(100 * SECOND);
    tracker.observeRead(100 * SECOND, false, T0);
    expect(tracker.estimate()).toBeCloseTo(100 * SECOND * (1 + 0.05 * 0.8));
    const before = tracker.estimate();
    tracker.observeRead(100 * SECOND, true, T0);
    expect(tracker.estimate()).toBeCloseTo(before * (1 - 0.05 * 0.2));
  });

  it('stays within its bounds', () => {
    const tracker = new ReadOutcomeTracker(50 * SECOND, { minMs: 10 * SECOND, maxMs: 60 * SECOND });
    for (let i = 0; i < 500; i++) tracker.observeRead(0, true, T0 + i * SECOND);
    expect(tracker.estimate()).toBe(10 * SECOND);
    for (let i = 0; i < 500; i++) tracker.observeRead(0, false, T0 + i * SECOND);
    expect(tracker.estimate()).toBe(60 * SECOND);
  });

  it('gives a burst of reads scheduled with an older estimate one estimate-span of say, not one each', () => {
    const tracker = new ReadOutcomeTracker(90 * SECOND);
    // 500 creates, then their 500 first reads an estimate later, all finding the instance creating.
    for (let i = 0; i < 500; i++) tracker.observeCreate(T0 + i * 100);
    for (let i = 0; i < 500; i++)
      tracker.observeRead(90 * SECOND, false, T0 + 90 * SECOND + i * 10);
    // At most e^(gain * (1 - creatingShare)) = e^0.8 times later; a fixed 5% step would be 10^8.
    expect(tracker.estimate()).toBeLessThan(90 * SECOND * Math.exp(0.8));
    expect(tracker.estimate()).toBeGreaterThan(150 * SECOND);
  });

  it.each([0, 20])(
    'settles where about creatingShare of the reads find the instance creating, reads %i s late',
    (lateS) => {
      // Creation times spread evenly over 60-180 s; reads on the policy's schedule, each late.
      const tracker = new ReadOutcomeTracker(90 * SECOND, { minMs: policy.minIntervalMs });
      let now = T0;
      let reads = 0;
      let creating = 0;
      for (let user = 0; user < 3_000; user++) {
        const creationMs = (60 + ((user * 7_919) % 1_200) / 10) * SECOND;
        const created = now;
        tracker.observeCreate(created);
        let due = created + tracker.estimate();
        for (;;) {
          const at = due + lateS * SECOND;
          const running = at - created >= creationMs;
          if (user >= 1_000) {
            reads++;
            if (!running) creating++;
          }
          tracker.observeRead(at - created, running, at);
          if (running) break;
          due = nextStatusCheckAt(created, at, {
            ...policy,
            expectedCreationMs: tracker.estimate(),
          });
        }
        now += 30 * SECOND;
      }
      expect(creating / reads).toBeGreaterThan(0.15);
      expect(creating / reads).toBeLessThan(0.25);
      // About the 85th percentile of creation (162 s), less the lateness: not ratcheted up by it.
      expect(tracker.estimate() + lateS * SECOND).toBeGreaterThan(140 * SECOND);
      expect(tracker.estimate() + lateS * SECOND).toBeLessThan(180 * SECOND);
    },
  );
});
