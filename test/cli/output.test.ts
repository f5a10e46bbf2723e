import { describe, expect, it } from 'vitest';
import { formatTable, formatTime, Output, redact } from '../../src/cli/output.js';

describe('redact', () => {
  it('cuts every secret out, as written and as JSON escapes it', () => {
    const secrets = ['hunter2hunter2', 'quo"te\\back'];
    expect(redact('a hunter2hunter2 b', secrets)).toBe('a [REDACTED] b');
    expect(redact(JSON.stringify({ v: 'x quo"te\\back y' }), secrets)).toBe(
      '{"v":"x [REDACTED] y"}',
    );
  });

  it('leaves values too short to be worth a secret alone', () => {
    expect(redact('ready', ['ready'])).toBe('ready');
  });
});

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['A', 'STATUS', 'NOTE'],
        [
          ['long-id', 'ready', ''],
          ['x', 'failed', 'why'],
        ],
      ),
    ).toEqual(['A        STATUS  NOTE', 'long-id  ready', 'x        failed  why']);
  });
});

describe('formatTime', () => {
  it('prints ISO 8601 in UTC, or a dash', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05.000Z');
    expect(formatTime(null)).toBe('-');
  });
});

describe('Output', () => {
  const capture = (json: boolean) => {
    const streams = { stdout: '', stderr: '' };
    const out = new Output(
      {
        stdout: { write: (s: string) => (streams.stdout += s) },
        stderr: { write: (s: string) => (streams.stderr += s) },
      },
      json,
    );
    return { out, streams };
  };

  it('prints the result as one JSON document with --json, and text lines only without', () => {
    const json = capture(true);
    json.out.text(['not in JSON']);
    json.out.result({ a: 1 }, () => ['text']);
    expect(JSON.parse(json.streams.stdout)).toEqual({ a: 1 });
    const text = capture(false);
    text.out.text(['before']);
    text.out.result({ a: 1 }, () => ['text']);
    expect(text.streams.stdout).toBe('before\ntext\n');
  });

  it('sends failures to stderr, or as { error } on stdout with --json, redacted', () => {
    const failure = {
      exitCode: 4,
      code: 'store_unavailable',
      message: 'no: s3cret-value',
    } as const;
    const text = capture(false);
    text.out.addSecrets(['s3cret-value']);
    text.out.failure(failure);
    expect(text.streams).toEqual({ stdout: '', stderr: 'aura-provisioner: no: [REDACTED]\n' });
    const json = capture(true);
    json.out.addSecrets(['s3cret-value']);
    json.out.failure(failure);
    expect(JSON.parse(json.streams.stdout)).toEqual({
      error: { code: 'store_unavailable', exitCode: 4, message: 'no: [REDACTED]' },
    });
  });
});
