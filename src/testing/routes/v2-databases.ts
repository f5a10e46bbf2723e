import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import type { InstanceRecord } from '../state.js';
import {
  addDatabase,
  assignedName,
  databaseCapacity,
  databaseNameProblem,
  databasesCounted,
  databasesOf,
  removeDatabase,
} from '../v2/database-registry.js';
import { databaseWire } from '../v2/wire.js';
import { ongoingOperation, requireJson, requireParsedBody } from './route-checks.js';
import { isReply, PROJECT, projectInstanceOf } from './v2-scope.js';

// The reasons and statuses of refusals below are not documented by Aura: the fake's guesses.

const DATABASES = `${PROJECT}/instances/:instanceId/databases`;

/** The instance in the path, if it holds several databases; else the refusal. */
function multiDatabaseInstance(context: RouteContext): InstanceRecord | Reply {
  const record = projectInstanceOf(context);
  if (isReply(record)) return record;
  if (!record.multiDatabase) {
    return auraError(
      400,
      'multi-database-not-enabled',
      `Instance ${record.id} was not created with multi_database: true`,
    );
  }
  return record;
}

/** `GET .../databases`. */
function listDatabases(context: RouteContext): Reply {
  const record = multiDatabaseInstance(context);
  if (isReply(record)) return record;
  const databases = databasesOf(context.state, record.id, context.now);
  const naming = context.state.multiDatabase.databaseNaming;
  return dataReply(
    200,
    databases.map((db) => databaseWire(db, context.now, naming)),
  );
}

/**
 * `POST .../databases` `{ name }`: 202 with the database `creating`. 400 for a
 * bad name or a full instance (5 per GB, 100 at most, `neo4j` counted), 409
 * for a name taken (case-insensitively) or an instance not `running`.
 */
function createDatabase(context: RouteContext): Reply {
  const { state, incoming, now } = context;
  const refused = requireJson(context) ?? requireParsedBody(context);
  if (refused) return refused;
  const record = multiDatabaseInstance(context);
  if (isReply(record)) return record;
  const body = incoming.body as Record<string, unknown> | undefined;
  const extra = Object.keys(body ?? {}).find((key) => key !== 'name');
  if (extra) return auraError(400, 'invalid-request', `${extra} is not a known field`, extra);
  const { databaseNaming: naming, databasesPerGb, databaseLimitStatus } = state.multiDatabase;
  // Named by Aura: whatever name was asked for is ignored (an empty body too).
  const problem = naming === 'auto' ? undefined : databaseNameProblem(body?.name);
  if (problem) return auraError(400, 'invalid-request', problem, 'name');
  if (record.phase.status !== 'running') return ongoingOperation(record.phase.status);
  const databases = databasesOf(state, record.id, now);
  const name = naming === 'auto' ? assignedName(databases) : (body?.name as string);
  if (databases.some((db) => db.name.toLowerCase() === name.toLowerCase())) {
    return auraError(409, 'database-already-exists', `A database named ${name} exists already`);
  }
  const capacity = databaseCapacity(record.memory, databasesPerGb);
  if (databasesCounted(state, record.id, now) >= capacity) {
    const reason = LIMIT_REASONS[databaseLimitStatus];
    const message = `Instance ${record.id} (${record.memory}) holds at most ${capacity} databases`;
    return auraError(databaseLimitStatus, reason, message);
  }
  const created = addDatabase(state, record, name, now, state.multiDatabase.databaseCreationTimeMs);
  // Neo4j's Go SDK reads the answer of an Aura-named create as `{ id }` alone.
  if (naming === 'auto') return dataReply(202, { id: created.id });
  return dataReply(202, databaseWire(created, now));
}

/** The reason a full instance answers with, by status. */
const LIMIT_REASONS = {
  400: 'database-limit-reached',
  402: 'quota-exceeded',
  422: 'unprocessable',
};

/** The database in the path, or a 404. */
function databaseOf(context: RouteContext, record: InstanceRecord) {
  const id = context.params.databaseId ?? '';
  const found = databasesOf(context.state, record.id, context.now).find((db) => db.id === id);
  return found ?? auraError(404, 'database-not-found', `Database not found: ${id}`);
}

/** `GET .../databases/{id}`. */
function getDatabase(context: RouteContext): Reply {
  const record = multiDatabaseInstance(context);
  if (isReply(record)) return record;
  const database = databaseOf(context, record);
  const naming = context.state.multiDatabase.databaseNaming;
  return isReply(database) ? database : dataReply(200, databaseWire(database, context.now, naming));
}

/**
 * `DELETE .../databases/{id}`: 202 and gone from the listing at once (still counted toward the
 * limit for `deletedDatabaseCountsForMs`); the default database cannot be deleted (400).
 */
function deleteDatabase(context: RouteContext): Reply {
  const record = multiDatabaseInstance(context);
  if (isReply(record)) return record;
  const database = databaseOf(context, record);
  if (isReply(database)) return database;
  if (database.isDefault) {
    const message = `The default database ${database.name} cannot be deleted`;
    return auraError(400, 'invalid-request', message);
  }
  if (record.phase.status !== 'running') return ongoingOperation(record.phase.status);
  const { deletedDatabaseCountsForMs } = context.state.multiDatabase;
  const countsUntil =
    deletedDatabaseCountsForMs > 0 ? context.now + deletedDatabaseCountsForMs : undefined;
  removeDatabase(context.state, record.id, database.id, countsUntil);
  return dataReply(202, { id: database.id, name: database.name });
}

/** Databases inside a multi-database instance (v2beta1). */
export const V2_DATABASE_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: DATABASES, handle: listDatabases },
  { method: 'POST', pattern: DATABASES, handle: createDatabase },
  { method: 'GET', pattern: `${DATABASES}/:databaseId`, handle: getDatabase },
  { method: 'DELETE', pattern: `${DATABASES}/:databaseId`, handle: deleteDatabase },
];
