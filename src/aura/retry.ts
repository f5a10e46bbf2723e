import type { RetryOptions } from './defaults.js';

/** How a call may be retried: any transient failure, or only a refused one (429). */
export type RetrySafety = 'idempotent' | 'unsafe';

/** Why an attempt failed, as far as retrying cares. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterMs?: number | undefined }
  | { kind: 'network' }
  | { kind: 'timeout' };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Backoff before retry number `attempt + 1`: exponential from `baseDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" (half fixed, half random) so
 * a crowd of clients spreads out without any of them retrying at once.
 * A Retry-After is never shortened.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
  options: Required<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>>,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const backoff = exponential / 2 + random() * (exponential / 2);
  return Math.ceil(Math.max(backoff, retryAfterMs ?? 0));
}

/**
 * Decides whether a failed attempt is retried. An `unsafe` call (a create)
 * is retried only on 429, where Aura refused it and created nothing.
 */
export function decideRetry(
  attempt: number,
  failure: AttemptFailure,
  safety: RetrySafety,
  random: () => number,
  options: Required<RetryOptions>,
): RetryDecision {
  if (attempt >= options.limit) return { retry: false };
  const refused = failure.kind === 'status' && failure.status === 429;
  const transient =
    failure.kind !== 'status' || options.statusCodes.includes(failure.status) || refused;
  if (!transient || (safety === 'unsafe' && !refused)) return { retry: false };
  const retryAfterMs = failure.kind === 'status' ? failure.retryAfterMs : undefined;
  if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return { retry: false };
  return { retry: true, delayMs: retryDelay(attempt, retryAfterMs, random, options) };
}

// HTTP dates (RFC 9110): IMF-fixdate, the obsolete RFC 850 form, and asctime
// (which carries no zone: it is GMT by definition). Anything else is no date:
// `Date.parse` reads "foo 1" as a day in 2001, which would mean "retry now".
// The first two in one pattern (IMF-fixdate, then RFC 850), as they end alike.
const IMF_FIXDATE_OR_RFC_850 =
  /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2}) \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads a Retry-After header, in delta-seconds or as an HTTP date, into ms
 * from `now`. Anything else gives `undefined`: an empty or garbled header
 * must not silently become "retry at once" (`Number('')` is 0).
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  let date = Number.NaN;
  if (IMF_FIXDATE_OR_RFC_850.test(value)) date = Date.parse(value);
  else if (ASCTIME.test(value)) date = Date.parse(`${value} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
