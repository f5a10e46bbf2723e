import { CredentialStoreError } from '../records/errors.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { ResolvedColumn } from './postgres-columns.js';
import { recordFromRow, UnexpectedRowError } from './postgres-row.js';

const MAX_MESSAGE = 300;
// postgres://user:password@host/db and the like: a client may echo its connection string.
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;

function rawMessage(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error.message !== '') return error.message;
  // Node reports a refused dual-stack connect as an AggregateError with no message.
  if (error instanceof AggregateError && error.errors.length > 0)
    return rawMessage(error.errors[0]);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The message of a store failure, safe to log: URLs and the given secrets
 * (the ciphertext, the Neo4j URI of the record being written) are cut out,
 * and Postgres' `detail` (which can echo a whole row) is never read.
 */
export function describeFailure(error: unknown, secrets: readonly unknown[] = []): string {
  if (error instanceof UnexpectedRowError) return `unexpected row: ${error.message}`;
  let message = rawMessage(error).replace(URL_PATTERN, '<url>');
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 4)
      message = message.replaceAll(secret, '<redacted>');
  }
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}...`;
  const state = sqlState(error);
  return state === undefined ? message : `${message} (SQLSTATE ${state})`;
}

/** Wraps a client or parse failure in a {@link CredentialStoreError}, cause chained. */
export function storeFailure(
  operation: string,
  error: unknown,
  userId: string | undefined,
  secrets: readonly unknown[] = [],
): CredentialStoreError {
  return new CredentialStoreError(operation, describeFailure(error, secrets), {
    ...(userId === undefined ? {} : { userId }),
    cause: error,
  });
}

/**
 * Reads a row into a record; a row that does not parse becomes a
 * `CredentialStoreError` for `operation` (naming the column, never its value).
 */
export function parseRow<R = UserDatabaseRecord>(
  operation: string,
  userId: string | undefined,
  row: Record<string, unknown>,
  columns: readonly ResolvedColumn<string>[],
): R {
  try {
    return recordFromRow<R>(row, columns);
  } catch (error) {
    throw storeFailure(operation, error, userId);
  }
}
