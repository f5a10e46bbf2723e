import { storeFailure } from './postgres-failure.js';

/** Which claim {@link insertOrRead} makes, for its error. */
export interface ClaimTarget {
  operation: string;
  userId: string | undefined;
  /** `record`, `host record`: what kept disappearing. */
  what: string;
  attempts: number;
}

/**
 * A claim as the SQL stores make it: an insert that does nothing on conflict,
 * then, when it inserted nothing, a read of the row that is there. The row can
 * vanish between the two (a delete), so both are tried again, up to
 * `attempts` times; then a `CredentialStoreError` for the operation.
 */
export async function insertOrRead<R>(
  target: ClaimTarget,
  insert: () => Promise<R | undefined>,
  read: () => Promise<R | null>,
): Promise<{ claimed: boolean; record: R }> {
  for (let attempt = 0; attempt < target.attempts; attempt++) {
    const inserted = await insert();
    if (inserted !== undefined) return { claimed: true, record: inserted };
    const existing = await read();
    if (existing !== null) return { claimed: false, record: existing };
  }
  const { operation, userId, what } = target;
  throw storeFailure(operation, new Error(`the ${what} kept disappearing`), userId);
}
