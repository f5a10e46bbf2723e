import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/kernel/logger.js';
import { ProbeTrust, type ProbeVerdict } from '../../../src/provisioning/probe-trust.js';
import { createTestClock } from '../../../src/testing/index.js';

const MINUTE = 60_000;
const PROBE_INTERVAL_MS = 3_000;

function setup(rules: ConstructorParameters<typeof ProbeTrust>[3] = {}) {
  const clock = createTestClock();
  const logs: string[] = [];
  const logger: Logger = {
    info: (message) => logs.push(`info ${message}`),
    warn: (message, fields) => logs.push(`warn ${message} ${JSON.stringify(fields)}`),
  };
  const trust = new ProbeTrust(true, logger, clock, rules);
  let user = 0;
  /** `n` verdicts, each for a new user. */
  const judge = (verdict: ProbeVerdict, n = 1) => {
    for (let i = 0; i < n; i++) trust.record(`user-${user++}`, verdict);
  };
  return { clock, logs, trust, judge };
}

describe('ProbeTrust', () => {
  it('counts a backstop read as missed only if it left within a probe interval and 10 s of the last "not ready"', () => {
    const { clock, trust } = setup();
    expect(trust.showsMissed(undefined, clock.now(), PROBE_INTERVAL_MS)).toBe(false);
    trust.noteNotReady('u');
    const said = trust.lastNotReadyAt('u') ?? Number.NaN;
    expect(said).toBe(clock.now());
    expect(trust.showsMissed(said, said + 13_000, PROBE_INTERVAL_MS)).toBe(true);
    // Held in the client's queue through a 429 pause: the probe was not asked meanwhile.
    expect(trust.showsMissed(said, said + 13_001, PROBE_INTERVAL_MS)).toBe(false);
    expect(trust.showsMissed(said, said + 50_000, PROBE_INTERVAL_MS)).toBe(false);
  });

  it('drops the probe after 10 missed in a row, not after 9 and a confirmation', () => {
    const { trust, judge, logs } = setup();
    judge('missed', 9);
    judge('confirmed');
    judge('missed', 9);
    expect(trust.enabled).toBe(true);
    judge('missed');
    expect(trust.enabled).toBe(false);
    expect(trust.trusts('anyone')).toBe(false);
    expect(logs).toEqual([
      'warn readiness probe disagrees with Aura; using status reads only {"early":0,"missed":19,"of":20,"retryInMs":1800000}',
    ]);
  });

  it('drops the probe once half of the last 50 were early', () => {
    const { trust, judge } = setup();
    judge('confirmed', 26);
    judge('early', 24);
    expect(trust.enabled).toBe(true);
    judge('early');
    expect(trust.enabled).toBe(false);
  });

  it('follows a dropped probe again after 30 minutes, judged afresh, with one info line', async () => {
    const { clock, trust, judge, logs } = setup();
    judge('missed', 10);
    await clock.advance(30 * MINUTE - 1);
    expect(trust.enabled).toBe(false);
    await clock.advance(1);
    expect(trust.trusts('someone')).toBe(true);
    expect(trust.enabled).toBe(true);
    expect(logs.filter((line) => line.startsWith('info'))).toEqual([
      'info readiness probe followed again; status reads will judge it afresh',
    ]);
    // A fresh window: nine more misses do not drop it, the tenth does.
    judge('missed', 9);
    expect(trust.enabled).toBe(true);
    judge('missed');
    expect(trust.enabled).toBe(false);
  });

  it('doubles the quiet period each time the probe is dropped again, up to 4 hours', async () => {
    const { clock, trust, judge, logs } = setup();
    const quietPeriods: number[] = [];
    for (let drop = 0; drop < 5; drop++) {
      judge('missed', 10);
      const droppedAt = clock.now();
      while (!trust.enabled) await clock.advance(MINUTE);
      quietPeriods.push(clock.now() - droppedAt);
    }
    expect(quietPeriods).toEqual([30, 60, 120, 240, 240].map((m) => m * MINUTE));
    expect(logs.filter((line) => line.startsWith('info'))).toHaveLength(5);
  });

  it('starts the quiet periods afresh once a followed-again probe got through a full window', async () => {
    const { clock, trust, judge } = setup();
    judge('missed', 10);
    await clock.advance(30 * MINUTE);
    judge('missed', 10);
    await clock.advance(60 * MINUTE);
    judge('confirmed', 50);
    judge('missed', 10);
    const droppedAt = clock.now();
    while (!trust.enabled) await clock.advance(MINUTE);
    expect(clock.now() - droppedAt).toBe(30 * MINUTE);
  });

  it('never follows a dropped probe again with retryAfterMs 0', async () => {
    const { clock, trust, judge, logs } = setup({ retryAfterMs: 0 });
    judge('early', 25);
    await clock.advance(24 * 60 * MINUTE);
    expect(trust.enabled).toBe(false);
    expect(logs).toEqual([
      'warn readiness probe disagrees with Aura; using status reads only {"early":25,"missed":0,"of":25}',
    ]);
  });

  it('forgets what the probe said for a user who left creating', () => {
    const { trust } = setup();
    trust.noteNotReady('u');
    trust.forget('u');
    expect(trust.lastNotReadyAt('u')).toBeUndefined();
  });
});
