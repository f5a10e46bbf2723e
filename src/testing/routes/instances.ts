import { findInstance, liveInstances } from '../instance-registry.js';
import { validateCreate } from '../instance-spec.js';
import { enter } from '../lifecycle.js';
import { uniqueId } from '../random-ids.js';
import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import type { InstanceRecord } from '../state.js';
import { createdInstanceWire, instanceSummaryWire, instanceWire } from '../wire.js';
import { instanceNotFound, requireJson, requireParsedBody } from './route-checks.js';

/** `GET /instances?tenantId=`: summaries, no status; destroyed instances are gone. */
function listInstances({ state, incoming, now }: RouteContext): Reply {
  const tenantId = incoming.query.tenantId;
  const records = liveInstances(state, now).filter(
    (r) => tenantId === undefined || r.tenantId === tenantId,
  );
  return dataReply(200, records.map(instanceSummaryWire));
}

/** `POST /instances`: 202 with the initial password; the instance then walks through `creating`. */
function createInstance(context: RouteContext): Reply {
  const { state, incoming, now } = context;
  const refused = requireJson(context) ?? requireParsedBody(context);
  if (refused) return refused;
  const checked = validateCreate(incoming.body, state.options.tenants);
  if (!checked.ok) return checked.reply;
  const { options, ids } = state;
  const live = liveInstances(state, now).length;
  if (live >= options.instanceLimit) {
    return auraError(
      405,
      'instance-limit-reached',
      `Creating instances is not permitted: the limit of ${options.instanceLimit} instances is reached`,
    );
  }
  const { spec, configuration } = checked;
  const creationMs = options.creationTimeMs(spec);
  const record: InstanceRecord = {
    id: uniqueId(ids.instanceId, (id) => state.instances.has(id)),
    name: spec.name,
    tenantId: spec.tenantId,
    cloudProvider: spec.cloudProvider,
    region: spec.region,
    type: spec.type,
    memory: spec.memory,
    storage: configuration.storage,
    version: spec.version,
    createdAt: now,
    // Standing for a real Neo4j when asked (`neo4j`), so a client of the instance reaches it.
    username: options.neo4j?.username ?? 'neo4j',
    password: options.neo4j?.password ?? ids.password(),
    ...(options.neo4j ? { connectionUrl: options.neo4j.url } : {}),
    vectorOptimized: spec.vectorOptimized,
    graphAnalyticsPlugin: spec.graphAnalyticsPlugin,
    visibleAt: now + options.notFoundAfterCreateMs,
    phase: enter(
      'creating',
      now,
      { ...options.transitionMs, creating: creationMs, paused: options.autoResumeAfterMs },
      options.failCreation(spec) ? 'loading failed' : undefined,
    ),
  };
  state.instances.set(record.id, record);
  return dataReply(202, createdInstanceWire(record));
}

/** `GET /instances/{id}`: 404 during the propagation window after create. */
function getInstance({ state, params, now }: RouteContext): Reply {
  const id = params.instanceId ?? '';
  const record = findInstance(state, id, now);
  if (!record || now < record.visibleAt) return instanceNotFound(id);
  return dataReply(200, instanceWire(record));
}

/** Listing, creating and reading instances. */
export const INSTANCE_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: '/instances', handle: listInstances },
  { method: 'POST', pattern: '/instances', handle: createInstance },
  { method: 'GET', pattern: '/instances/:instanceId', handle: getInstance },
];
