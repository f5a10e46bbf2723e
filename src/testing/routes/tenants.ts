import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import { tenantSummaryWire, tenantWire } from '../wire.js';

/** `GET /tenants`. */
function listTenants({ state }: RouteContext): Reply {
  return dataReply(200, state.options.tenants.map(tenantSummaryWire));
}

/** `GET /tenants/{id}`, with the instance configurations the tenant offers. */
function getTenant({ state, params }: RouteContext): Reply {
  const tenant = state.options.tenants.find((t) => t.id === params.tenantId);
  if (!tenant) {
    return auraError(404, 'tenant-not-found', 'The tenant you specified could not be found');
  }
  return dataReply(200, tenantWire(tenant));
}

/** Reading tenants (projects). */
export const TENANT_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: '/tenants', handle: listTenants },
  { method: 'GET', pattern: '/tenants/:tenantId', handle: getTenant },
];
