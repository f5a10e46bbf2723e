import { findInstance, phaseDurations } from '../instance-registry.js';
import { validatePatch } from '../instance-spec.js';
import type { InstanceAction } from '../lifecycle.js';
import { enter, startAction } from '../lifecycle.js';
import type { Reply } from '../reply.js';
import { dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import { instanceWire } from '../wire.js';
import {
  instanceNotFound,
  ongoingOperation,
  requireJson,
  requireParsedBody,
} from './route-checks.js';

/**
 * Starts `action` on the instance named in the path: 404 if unknown, 409 if its
 * status does not allow it, else `status` with the instance in its new status.
 */
function act(context: RouteContext, action: InstanceAction, status: number): Reply {
  const { state, params, now } = context;
  const id = params.instanceId ?? '';
  const record = findInstance(state, id, now);
  // A second DELETE answers 404, as the API does once a delete was accepted.
  if (!record || (action === 'destroy' && record.phase.status === 'destroying')) {
    return instanceNotFound(id);
  }
  const started = startAction(record.phase.status, action);
  if (!started.allowed) return ongoingOperation(record.phase.status);
  if (started.to) record.phase = enter(started.to, now, phaseDurations(state, record));
  return dataReply(status, instanceWire(record));
}

/** `PATCH /instances/{id}`: rename or resize; 200 with the instance `updating`. */
function patchInstance(context: RouteContext): Reply {
  const { state, params, now, incoming } = context;
  const refused = requireJson(context) ?? requireParsedBody(context);
  if (refused) return refused;
  const id = params.instanceId ?? '';
  const record = findInstance(state, id, now);
  if (!record) return instanceNotFound(id);
  const tenant = state.options.tenants.find((t) => t.id === record.tenantId);
  const offered = (tenant?.instanceConfigurations ?? []).filter(
    (c) =>
      c.cloudProvider === record.cloudProvider &&
      c.region === record.region &&
      c.type === record.type &&
      c.version === record.version,
  );
  const checked = validatePatch(incoming.body, offered);
  if (!checked.ok) return checked.reply;
  if (!startAction(record.phase.status, 'update').allowed) {
    return ongoingOperation(record.phase.status);
  }
  const { patch } = checked;
  const storageOfMemory = offered.find((c) => c.memory === patch.memory)?.storage;
  record.name = patch.name ?? record.name;
  record.memory = patch.memory ?? record.memory;
  record.storage = patch.storage ?? storageOfMemory ?? record.storage;
  record.vectorOptimized = patch.vectorOptimized ?? record.vectorOptimized;
  record.graphAnalyticsPlugin = patch.graphAnalyticsPlugin ?? record.graphAnalyticsPlugin;
  record.phase = enter('updating', now, phaseDurations(state, record));
  return dataReply(200, instanceWire(record));
}

/** Deleting, pausing, resuming and updating instances. */
export const INSTANCE_ACTION_ROUTES: readonly Route[] = [
  { method: 'DELETE', pattern: '/instances/:instanceId', handle: (c) => act(c, 'destroy', 202) },
  { method: 'POST', pattern: '/instances/:instanceId/pause', handle: (c) => act(c, 'pause', 202) },
  {
    method: 'POST',
    pattern: '/instances/:instanceId/resume',
    handle: (c) => act(c, 'resume', 202),
  },
  { method: 'PATCH', pattern: '/instances/:instanceId', handle: patchInstance },
];
