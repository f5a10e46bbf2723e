import { liveInstances, phaseDurations, specOf } from '../instance-registry.js';
import { enter, startAction } from '../lifecycle.js';
import { uniqueId } from '../random-ids.js';
import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import type { InstanceRecord } from '../state.js';
import { addDefaultDatabase } from '../v2/database-registry.js';
import { validateProjectInstance } from '../v2/instance-body.js';
import {
  createdProjectInstanceWire,
  projectInstanceSummaryWire,
  projectInstanceWire,
} from '../v2/wire.js';
import {
  instanceNotFound,
  ongoingOperation,
  requireJson,
  requireParsedBody,
} from './route-checks.js';
import { isReply, PROJECT, projectInstanceOf, projectOf } from './v2-scope.js';

// A page token is the offset, opaque enough: clients must only echo it.
const encodeToken = (offset: number) => btoa(`offset:${offset}`);
function decodeToken(token: string): number | undefined {
  try {
    const match = /^offset:(\d+)$/.exec(atob(token));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `GET .../instances`: cursor pages (`page_limit`, `page_token`, `links.next` as a full URL). */
function listInstances(context: RouteContext): Reply {
  const { state, incoming, now } = context;
  const project = projectOf(context);
  if (isReply(project)) return project;
  const { page_limit: limitText, page_token: token } = incoming.query;
  const limit = limitText === undefined ? state.multiDatabase.instancePageLimit : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    return auraError(400, 'invalid-request', 'page_limit must be a positive integer', 'page_limit');
  }
  const offset = token === undefined ? 0 : decodeToken(token);
  if (offset === undefined) {
    return auraError(400, 'invalid-request', 'page_token is not valid', 'page_token');
  }
  const records = liveInstances(state, now).filter((r) => r.tenantId === project.id);
  const page = records.slice(offset, offset + limit);
  const body: Record<string, unknown> = { data: page.map(projectInstanceSummaryWire) };
  if (offset + limit < records.length) {
    const next = new URL(`${state.options.baseUrl}${incoming.path}`);
    next.searchParams.set('page_limit', String(limit));
    next.searchParams.set('page_token', encodeToken(offset + limit));
    body.links = { next: next.toString() };
  }
  return { status: 200, body };
}

/** `POST .../instances`: 202 with the password; a multi-database one starts with its default database. */
function createInstance(context: RouteContext): Reply {
  const { state, incoming, now } = context;
  const refused = requireJson(context) ?? requireParsedBody(context);
  if (refused) return refused;
  const project = projectOf(context);
  if (isReply(project)) return project;
  const checked = validateProjectInstance(incoming.body);
  if (!checked.ok) return checked.reply;
  const { options, ids } = state;
  if (liveInstances(state, now).length >= options.instanceLimit) {
    return auraError(
      405,
      'instance-limit-reached',
      `Creating instances is not permitted: the limit of ${options.instanceLimit} instances is reached`,
    );
  }
  const { spec } = checked;
  const record: InstanceRecord = {
    id: uniqueId(ids.instanceId, (id) => state.instances.has(id)),
    name: spec.name,
    tenantId: project.id,
    cloudProvider: spec.cloudProvider,
    region: spec.region,
    type: spec.type,
    memory: spec.memory,
    storage: spec.storage ?? `${Number.parseInt(spec.memory, 10) * 2}GB`,
    version: '5',
    createdAt: now,
    // Standing for a real Neo4j when asked (`neo4j`), so a client of the instance reaches it.
    username: options.neo4j?.username ?? 'neo4j',
    password: options.neo4j?.password ?? ids.password(),
    ...(options.neo4j ? { connectionUrl: options.neo4j.url } : {}),
    vectorOptimized: false,
    graphAnalyticsPlugin: false,
    visibleAt: now + options.notFoundAfterCreateMs,
    phase: { status: 'creating' },
    multiDatabase: spec.multiDatabase,
  };
  const durations = phaseDurations(state, record);
  const fails = options.failCreation(specOf(record));
  record.phase = enter('creating', now, durations, fails ? 'loading failed' : undefined);
  state.instances.set(record.id, record);
  const defaultDatabase = spec.multiDatabase
    ? addDefaultDatabase(state, record, now, durations.creating)
    : undefined;
  const announced = state.multiDatabase.defaultDatabaseIdInAnswer ? defaultDatabase : undefined;
  return dataReply(202, createdProjectInstanceWire(record, announced?.id));
}

/** `GET .../instances/{id}`. */
function getInstance(context: RouteContext): Reply {
  const record = projectInstanceOf(context);
  return isReply(record) ? record : dataReply(200, projectInstanceWire(record));
}

/** `DELETE .../instances/{id}`: 202, `destroying`, then gone with its databases. */
function deleteInstance(context: RouteContext): Reply {
  const record = projectInstanceOf(context);
  if (isReply(record)) return record;
  // A second DELETE answers 404, as v1 does once a delete was accepted.
  if (record.phase.status === 'destroying') return instanceNotFound(record.id);
  const started = startAction(record.phase.status, 'destroy');
  if (!started.allowed) return ongoingOperation(record.phase.status);
  if (started.to) {
    record.phase = enter(started.to, context.now, phaseDurations(context.state, record));
  }
  return dataReply(202, projectInstanceWire(record));
}

/** Project-scoped instances (v2beta1). */
export const V2_INSTANCE_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: `${PROJECT}/instances`, handle: listInstances },
  { method: 'POST', pattern: `${PROJECT}/instances`, handle: createInstance },
  { method: 'GET', pattern: `${PROJECT}/instances/:instanceId`, handle: getInstance },
  { method: 'DELETE', pattern: `${PROJECT}/instances/:instanceId`, handle: deleteInstance },
];
