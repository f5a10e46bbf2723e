import { describe, expect, it } from 'vitest';
import { formatTimeline, judgeProbes, type ProbeSample } from './probe-timeline.js';

const INTERVAL = 15_000;

/** A tick every 5 s, a status read every third tick, `running` read at `runningAt`. */
function timeline(
  runningAt: number,
  dnsFrom: number,
  httpFrom: number,
  until = runningAt + 30_000,
) {
  const samples: ProbeSample[] = [];
  for (let t = 0; t <= until; t += 5_000) {
    samples.push({
      elapsedMs: t,
      ...(t % INTERVAL === 0 && { status: t >= runningAt ? 'running' : 'creating' }),
      dns: t >= dnsFrom,
      http: t >= httpFrom,
    });
  }
  return samples;
}

describe('judgeProbes', () => {
  it('trusts probes that said ready up to one status-read interval before the read saw running', () => {
    const verdict = judgeProbes(timeline(180_000, 165_000, 175_000), INTERVAL);
    expect(verdict).toMatchObject({
      runningSeenAt: 180_000,
      firstTrueAt: { dns: 165_000, http: 175_000 },
      untrustworthy: [],
      message: '',
    });
  });

  it('trusts probes that said ready only after the read saw running, or never', () => {
    const verdict = judgeProbes(timeline(180_000, 190_000, Number.POSITIVE_INFINITY), INTERVAL);
    expect(verdict.untrustworthy).toEqual([]);
    expect(verdict.firstTrueAt.http).toBeUndefined();
  });

  it('names a probe that said ready more than one interval before the read saw running', () => {
    const verdict = judgeProbes(timeline(180_000, 60_000, 175_000), INTERVAL);
    expect(verdict.untrustworthy).toEqual(['dns']);
    expect(verdict.message).toBe(
      'the dns probe is untrustworthy: it said ready at 60.0 s, 120.0 s before a status read first saw running at 180.0 s (more than one 15.0 s status-read interval)',
    );
  });

  it('names every probe that said ready while no read ever saw running', () => {
    const samples = timeline(Number.POSITIVE_INFINITY, 60_000, 90_000, 300_000);
    const verdict = judgeProbes(samples, INTERVAL);
    expect(verdict.runningSeenAt).toBeUndefined();
    expect(verdict.untrustworthy).toEqual(['dns', 'http']);
    expect(verdict.message).toContain(
      'the http probe is untrustworthy: it said ready at 90.0 s and no status read ever saw running',
    );
  });
});

describe('formatTimeline', () => {
  it('prints only the ticks where something changed, the last one, and when each signal first said ready', () => {
    const samples = timeline(45_000, 40_000, 50_000, 55_000);
    const text = formatTimeline(samples, judgeProbes(samples, INTERVAL));
    expect(text.split('\n')).toEqual([
      '   0.0 s *status=creating   dns=false http=false',
      '  40.0 s  status=creating   dns=true  http=false',
      '  45.0 s *status=running    dns=true  http=false',
      '  50.0 s  status=running    dns=true  http=true',
      '  55.0 s  status=running    dns=true  http=true',
      'first ready: status 45.0 s, dns 40.0 s, http 50.0 s (* = a status read at that tick)',
    ]);
  });
});
