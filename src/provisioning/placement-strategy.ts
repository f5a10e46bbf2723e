import type { UserDatabaseRecord } from '../records/record.js';
import type { ReconcileStrategy } from './reconcile.js';

/**
 * One placement's part of the engine, the same small interface for each
 * (`instance/` and `database/`): its steps from a record's state, its part of
 * reconcile, and the life cycle of its resources. The engine picks the
 * strategy by the record's stored `placement` (see `strategies.ts`), never by
 * the record's other fields.
 */
export interface PlacementStrategy extends ReconcileStrategy {
  /** A due `pending` record: send its create (or wait for room). */
  create(record: UserDatabaseRecord): Promise<void>;
  /** A due `creating` record: read how its create goes. */
  readStatus(record: UserDatabaseRecord): Promise<void>;
  /** A `deleting` record: its resource first, then the record. Whether the record is gone. */
  delete(record: UserDatabaseRecord): Promise<boolean>;
  /**
   * A record checked before its due time: whether to try its create at once
   * (a user waiting for room that may have some now) instead of waiting.
   */
  wakes(record: UserDatabaseRecord): boolean;
  /** Lets go of what this process keeps about a user whose record moved on, or is gone. */
  letGo(userId: string, record: UserDatabaseRecord | null): void;
  /** Starts the upkeep of the placement's shared resources (the hosts), if it has any. */
  start(): void;
  /** Stops that upkeep; resolves once the round under way has ended. */
  close(): Promise<void>;
}
