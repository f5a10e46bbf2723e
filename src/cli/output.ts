import type { CliFailure } from './errors.js';

/** Where the CLI writes: `process.stdout` fits, and so does a test's capture. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal: progress is a bar there, plain lines elsewhere. */
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** The effects the CLI uses, injected so `main` runs in a test as it does in a shell. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Asks a yes/no question on the terminal; absent when there is none (piped,
   * CI). Destructive commands then need `--yes`.
   */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Aborts a wait (Ctrl-C, say). */
  signal?: AbortSignal | undefined;
}

const REDACTED = '[REDACTED]';
/** Shorter values are not redacted: they would mangle ordinary words, and they are never printed anyway. */
const MIN_SECRET_LENGTH = 6;

/**
 * Replaces every secret in `text`, as written and as JSON escapes it.
 *
 * @example
 * ```ts
 * redact('secret is hunter22', ['hunter22']); // 'secret is [REDACTED]'
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.replaceAll(secret, REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.replaceAll(escaped, REDACTED);
  }
  return out;
}

/**
 * Lays rows out in columns, padded to the widest cell; the last column is not padded.
 *
 * @example
 * ```ts
 * formatTable(['USER', 'STATUS'], [['u1', 'ready']]); // ['USER  STATUS', 'u1    ready']
 * ```
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** A time for people: ISO 8601 in UTC, or `-`. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString();
}

/**
 * The CLI's writer: one JSON document on stdout with `--json`, text otherwise;
 * notes and errors on stderr. Everything passes through {@link redact}.
 */
export class Output {
  readonly json: boolean;
  readonly #io: CliIo;
  readonly #secrets: string[] = [];

  constructor(io: CliIo, json: boolean) {
    this.#io = io;
    this.json = json;
  }

  /** Values to cut out of anything written from now on. */
  addSecrets(secrets: readonly string[]): void {
    this.#secrets.push(...secrets);
  }

  /** Whether stdout is a terminal (and not taken by JSON). */
  get interactive(): boolean {
    return !this.json && this.#io.stdout.isTTY === true;
  }

  get columns(): number {
    return this.#io.stdout.columns ?? 80;
  }

  /** The command's result: `data` as JSON, or the text lines. */
  result(data: unknown, text: () => readonly string[]): void {
    if (this.json) this.#write(this.#io.stdout, `${JSON.stringify(data, null, 2)}\n`);
    else for (const line of text()) this.line(line);
  }

  /** Lines on stdout in text mode only: what a command says before its result (`--json` holds it all). */
  text(lines: readonly string[]): void {
    if (!this.json) for (const line of lines) this.line(line);
  }

  /** A line on stdout (text mode; progress, say). */
  line(text: string): void {
    this.#write(this.#io.stdout, `${text}\n`);
  }

  /** Raw text on stdout, for the progress bar's in-place redraws. */
  raw(text: string): void {
    this.#write(this.#io.stdout, text);
  }

  /** A line on stderr: warnings and hints that are not the result. */
  note(text: string): void {
    this.#write(this.#io.stderr, `${text}\n`);
  }

  /** A failure: `{ "error": ... }` on stdout with `--json` (so scripts can parse it), else stderr. */
  failure(failure: CliFailure): void {
    if (this.json) {
      const error = { code: failure.code, exitCode: failure.exitCode, message: failure.message };
      this.#write(this.#io.stdout, `${JSON.stringify({ error }, null, 2)}\n`);
    } else {
      this.#write(this.#io.stderr, `aura-provisioner: ${failure.message}\n`);
    }
  }

  #write(stream: OutputStream, text: string): void {
    stream.write(redact(text, this.#secrets));
  }
}
