/**
 * The live calibration of the readiness probes (`test/aura/live.test.ts`,
 * AURA_TEST_PROBE=1) samples an instance while it comes up; these pure
 * functions judge and print that timeline, so the verdict is tested here
 * before anyone pays for a live run.
 */

/** The probes calibrated. */
export const PROBES = ['dns', 'http'] as const;
export type ProbeName = (typeof PROBES)[number];

/** One tick of the calibration: what each probe said and, every few ticks, what a status read saw. */
export interface ProbeSample {
  /** Since the create answered. */
  elapsedMs: number;
  /** The status a read saw at this tick (`not-found`, `error: ...` too); absent between reads. */
  status?: string | undefined;
  dns: boolean;
  http: boolean;
}

export interface ProbeVerdict {
  /** When a status read first saw `running`; `undefined` if none did. */
  runningSeenAt: number | undefined;
  /** When each probe first said ready; `undefined` if it never did. */
  firstTrueAt: Record<ProbeName, number | undefined>;
  /**
   * Probes that said ready more than one status-read interval before a read
   * first saw `running` (or said ready while no read ever saw it): the
   * instance may have been running for up to one interval before the read
   * noticed, no longer.
   */
  untrustworthy: ProbeName[];
  /** Why, for each untrustworthy probe: the failure message of the calibration. */
  message: string;
}

/** Judges a calibration timeline against what the provisioner relies on. */
export function judgeProbes(
  samples: readonly ProbeSample[],
  statusIntervalMs: number,
): ProbeVerdict {
  const runningSeenAt = samples.find((s) => s.status === 'running')?.elapsedMs;
  const firstTrueAt = Object.fromEntries(
    PROBES.map((probe) => [probe, samples.find((s) => s[probe])?.elapsedMs]),
  ) as Record<ProbeName, number | undefined>;
  const earliestAllowed = (runningSeenAt ?? Number.POSITIVE_INFINITY) - statusIntervalMs;
  const untrustworthy = PROBES.filter((probe) => {
    const at = firstTrueAt[probe];
    return at !== undefined && at < earliestAllowed;
  });
  const reasons = untrustworthy.map((probe) => {
    const at = seconds(firstTrueAt[probe] ?? 0);
    return runningSeenAt === undefined
      ? `the ${probe} probe is untrustworthy: it said ready at ${at} and no status read ever saw running`
      : `the ${probe} probe is untrustworthy: it said ready at ${at}, ${seconds(runningSeenAt - (firstTrueAt[probe] ?? 0))} before a status read first saw running at ${seconds(runningSeenAt)} (more than one ${seconds(statusIntervalMs)} status-read interval)`;
  });
  return { runningSeenAt, firstTrueAt, untrustworthy, message: reasons.join('; ') };
}

/**
 * The timeline as a few lines: the ticks where something changed (a status
 * read's answer, a probe's), then when each signal first said ready.
 */
export function formatTimeline(samples: readonly ProbeSample[], verdict: ProbeVerdict): string {
  const lines: string[] = [];
  let previous = '';
  let lastStatus = '';
  for (const sample of samples) {
    const status = sample.status ?? lastStatus;
    const key = `${status} ${sample.dns} ${sample.http}`;
    if (key !== previous || sample === samples.at(-1)) {
      const read = sample.status === undefined ? ' ' : '*';
      lines.push(
        `${seconds(sample.elapsedMs).padStart(8)} ${read}status=${status.padEnd(10)} dns=${String(sample.dns).padEnd(5)} http=${sample.http}`,
      );
    }
    previous = key;
    lastStatus = status;
  }
  const at = (ms: number | undefined) => (ms === undefined ? 'never' : seconds(ms));
  lines.push(
    `first ready: status ${at(verdict.runningSeenAt)}, dns ${at(verdict.firstTrueAt.dns)}, http ${at(verdict.firstTrueAt.http)} (* = a status read at that tick)`,
  );
  return lines.join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
