// Timing helpers shared by the benchmarks.

/** The `p` quantile (0..1) of an ascending array. */
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/**
 * Awaits `run()` `calls` times in a row: calls per second, and the p50, p99 and max latency in
 * µs (two decimals).
 */
export async function timeCalls(calls, run) {
  const latencies = new Float64Array(calls);
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await run();
    latencies[i] = performance.now() - t;
  }
  const elapsed = performance.now() - started;
  latencies.sort();
  const us = (ms) => Math.round(ms * 1000 * 100) / 100;
  return {
    callsPerSec: Math.round(calls / (elapsed / 1000)),
    p50Us: us(percentile(latencies, 0.5)),
    p99Us: us(percentile(latencies, 0.99)),
    maxUs: us(latencies[calls - 1]),
  };
}
