import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import {
  createProgressReporter,
  renderProgressBar,
  renderSettledLine,
  type WaitProgress,
} from '../../src/cli/progress.js';

const progress = (fields: Partial<WaitProgress> = {}): WaitProgress => ({
  total: 4,
  ready: 0,
  failed: 0,
  deleted: 0,
  elapsedMs: 0,
  ...fields,
});

describe('renderProgressBar', () => {
  it('fills the bar in proportion to the settled records', () => {
    expect(renderProgressBar(progress({ ready: 1, failed: 1, elapsedMs: 12_900 }), 100)).toBe(
      '[####################--------------------] 2/4  ready 1  failed 1  deleted 0  12s',
    );
  });

  it('is empty at the start and full at the end', () => {
    expect(renderProgressBar(progress(), 80)).toMatch(/^\[-{40}\] 0\/4 /);
    expect(renderProgressBar(progress({ ready: 3, deleted: 1 }), 80)).toMatch(/^\[#{40}\] 4\/4 /);
  });

  it('narrows the bar to the terminal, and drops it when there is no room', () => {
    const narrow = renderProgressBar(progress({ ready: 2 }), 60);
    expect(narrow.length).toBeLessThanOrEqual(60);
    expect(narrow).toMatch(/^\[#+-+\] 2\/4/);
    expect(renderProgressBar(progress({ ready: 2 }), 40)).toBe(
      '2/4  ready 2  failed 0  deleted 0  0s',
    );
    expect(renderProgressBar(progress(), 10)).toHaveLength(10);
  });

  it('shows nothing to do as done', () => {
    expect(renderProgressBar(progress({ total: 0 }), 80)).toMatch(/^\[#{40}\] 0\/0 /);
  });
});

describe('renderSettledLine', () => {
  it('aligns the outcome and gives the reason of a failure', () => {
    expect(renderSettledLine({ userId: 'u1', outcome: 'ready' })).toBe('ready   u1');
    expect(renderSettledLine({ userId: 'u2', outcome: 'failed', reason: 'invalid-request' })).toBe(
      'failed  u2: invalid-request',
    );
    expect(renderSettledLine({ userId: 'u3', outcome: 'deleted' })).toBe('deleted u3');
  });
});

describe('createProgressReporter', () => {
  const capture = (isTTY: boolean, json = false) => {
    let stdout = '';
    const out = new Output(
      {
        stdout: { write: (s: string) => (stdout += s), isTTY, columns: 70 },
        stderr: { write: () => true },
      },
      json,
    );
    return { reporter: createProgressReporter(out), text: () => stdout };
  };

  it('piped: a plain line per settled record, no redraws', () => {
    const { reporter, text } = capture(false);
    reporter.tick(progress());
    reporter.settled({ userId: 'u1', outcome: 'ready' }, progress({ ready: 1 }));
    reporter.done(progress({ ready: 1 }));
    expect(text()).toBe('ready   u1\n');
  });

  it('on a terminal: the bar redrawn in place, ended by a newline', () => {
    const { reporter, text } = capture(true);
    reporter.tick(progress());
    reporter.done(progress({ ready: 4 }));
    const frames = text().split('\r').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatch(/^\[#+\] 4\/4 /);
    expect(frames[1]?.endsWith('\u001b[K\n')).toBe(true);
  });

  it('with --json: nothing, the result carries the outcomes', () => {
    const { reporter, text } = capture(true, true);
    reporter.tick(progress());
    reporter.settled({ userId: 'u1', outcome: 'ready' }, progress({ ready: 1 }));
    reporter.done(progress());
    expect(text()).toBe('');
  });
});
