import { CredentialStoreError } from '../records/errors.js';
import { describeFailure, storeFailure } from './postgres-failure.js';
import type { PostgrestAnswer } from './supabase-builder.js';

const SQLSTATE = /^[0-9A-Z]{5}$/;
// Supabase keys: legacy JWTs (anon, service_role) and the sb_secret_/sb_publishable_ kind.
const KEY_PATTERNS = [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, /\bsb_[a-z]+_[\w-]+/gi];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * A PostgREST request that failed: the error body PostgREST (or the API
 * gateway) answered, or supabase-js' stand-in for a network failure
 * (`status` 0). It is the `cause` of the store's `CredentialStoreError`;
 * `details` may echo a whole row (ciphertext included), so it stays here and
 * never reaches a message.
 */
export class SupabaseRequestError extends Error {
  override readonly name = 'SupabaseRequestError' as const;
  /** The HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** PostgREST's `code`: a SQLSTATE (`23505`) or its own (`PGRST204`). */
  readonly code: string | undefined;
  readonly details: string | undefined;
  readonly hint: string | undefined;

  constructor(answer: Pick<PostgrestAnswer, 'error' | 'status'>) {
    const error = answer.error ?? {};
    const details = text(error.details);
    super(SupabaseRequestError.#message(answer.status, text(error.message), details));
    this.status = answer.status;
    this.code = text(error.code);
    this.details = details;
    this.hint = text(error.hint);
  }

  static #message(status: number, message: string | undefined, details: string | undefined) {
    if (status !== 0) return message ?? `HTTP ${status}`;
    // supabase-js reports a failed fetch as "TypeError: fetch failed" and puts
    // the reason (ECONNREFUSED, ENOTFOUND, ...) on a "Caused by:" line of details.
    const line = details?.match(/Caused by: ([^\n]*)/)?.[1] ?? '';
    const cause = line.replace(/^\w*Error:/, '').trim();
    const base = message ?? 'the request failed';
    return cause ? `${base} (${cause})` : base;
  }
}

/** The message of a failed request, safe to log: no URL, key, or value being written. */
export function describeRequestFailure(
  error: SupabaseRequestError,
  secrets: readonly unknown[] = [],
): string {
  let message = error.message;
  for (const pattern of KEY_PATTERNS) message = message.replace(pattern, '<key>');
  // describeFailure cuts URLs and secrets and truncates; the code is added below.
  const safe = describeFailure(new Error(message), secrets);
  const code =
    error.code === undefined
      ? []
      : [SQLSTATE.test(error.code) ? `SQLSTATE ${error.code}` : error.code];
  const where = error.status === 0 ? 'no response' : `HTTP ${error.status}`;
  const advice =
    error.code === '42501'
      ? ': the store needs a service-role client; the anon key cannot use this table'
      : '';
  return `${safe} (${[where, ...code].join(', ')})${advice}`;
}

/**
 * Turns whatever a request produced into a `CredentialStoreError` (cause
 * chained): a PostgREST error answer, or anything the client threw.
 */
export function requestFailure(
  operation: string,
  failure: unknown,
  userId: string | undefined,
  secrets: readonly unknown[] = [],
): CredentialStoreError {
  if (!(failure instanceof SupabaseRequestError)) {
    return storeFailure(operation, failure, userId, secrets);
  }
  return new CredentialStoreError(operation, describeRequestFailure(failure, secrets), {
    ...(userId === undefined ? {} : { userId }),
    cause: failure,
  });
}
