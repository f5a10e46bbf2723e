import type { Output } from './output.js';

/** Where a wait stands: how many records settled, and how. */
export interface WaitProgress {
  total: number;
  ready: number;
  failed: number;
  deleted: number;
  elapsedMs: number;
}

/** One record that settled during a wait. */
export interface SettledRecord {
  userId: string;
  outcome: 'ready' | 'failed' | 'deleted';
  reason?: string | null | undefined;
}

const settledOf = (p: WaitProgress) => p.ready + p.failed + p.deleted;

/**
 * One line of the progress bar, at most `width` characters. Pure.
 *
 * @example
 * ```ts
 * renderProgressBar({ total: 4, ready: 1, failed: 1, deleted: 0, elapsedMs: 12_000 }, 60);
 * // '[##########---------] 2/4  ready 1  failed 1  deleted 0  12s'
 * ```
 */
export function renderProgressBar(progress: WaitProgress, width: number): string {
  const done = settledOf(progress);
  const counts = `${done}/${progress.total}  ready ${progress.ready}  failed ${progress.failed}  deleted ${progress.deleted}  ${Math.floor(progress.elapsedMs / 1000)}s`;
  const barWidth = Math.min(40, width - counts.length - 3);
  if (barWidth < 5) return counts.slice(0, Math.max(0, width));
  const filled = progress.total === 0 ? barWidth : Math.round((done / progress.total) * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${counts}`;
}

/** A settled record as a plain line: `ready   <userId>`, `failed  <userId>: <reason>`. Pure. */
export function renderSettledLine(record: SettledRecord): string {
  const reason = record.outcome === 'failed' && record.reason ? `: ${record.reason}` : '';
  return `${record.outcome.padEnd(7)} ${record.userId}${reason}`;
}

/** What a wait reports to; see {@link createProgressReporter}. */
export interface ProgressReporter {
  settled(record: SettledRecord, progress: WaitProgress): void;
  tick(progress: WaitProgress): void;
  done(progress: WaitProgress): void;
}

/**
 * A bar redrawn in place when stdout is a terminal; one plain line per settled
 * record when it is piped (logs and CI read those); nothing with `--json`,
 * whose result carries every outcome.
 */
export function createProgressReporter(out: Output): ProgressReporter {
  if (out.json) return { settled() {}, tick() {}, done() {} };
  if (!out.interactive) {
    return {
      settled: (record) => out.line(renderSettledLine(record)),
      tick() {},
      done() {},
    };
  }
  const draw = (progress: WaitProgress) =>
    out.raw(`\r${renderProgressBar(progress, out.columns - 1)}\u001b[K`);
  return {
    settled: (_record, progress) => draw(progress),
    tick: draw,
    done: (progress) => {
      draw(progress);
      out.raw('\n');
    },
  };
}
