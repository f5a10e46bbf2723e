/** Lookups shared by the v2beta1 routes: organization, project, and an instance of the project. */
import { findInstance } from '../instance-registry.js';
import type { Reply } from '../reply.js';
import { auraError } from '../reply.js';
import type { RouteContext } from '../router.js';
import type { InstanceRecord } from '../state.js';
import { instanceNotFound } from './route-checks.js';

/** The v2beta1 prefix of every route pattern here (route paths keep it). */
export const V2 = '/v2beta1/organizations/:organizationId';
export const PROJECT = `${V2}/projects/:projectId`;

/** The organization named in the path, or a 404. */
export function organizationOf(context: RouteContext) {
  const id = context.params.organizationId ?? '';
  const organization = context.state.multiDatabase.organizations.find((o) => o.id === id);
  return organization ?? auraError(404, 'organization-not-found', `Organization not found: ${id}`);
}

/** The project (a tenant of the organization) named in the path, or a 404. */
export function projectOf(context: RouteContext): { id: string; name: string } | Reply {
  const organization = organizationOf(context);
  if ('status' in organization) return organization;
  const id = context.params.projectId ?? '';
  const tenant = context.state.options.tenants.find((t) => t.id === id);
  if (!tenant || !organization.projectIds.includes(id)) {
    return auraError(404, 'project-not-found', `Project not found: ${id}`);
  }
  return tenant;
}

/** The instance named in the path if it is the project's and visible, or a 404. */
export function projectInstanceOf(context: RouteContext): InstanceRecord | Reply {
  const project = projectOf(context);
  if ('status' in project) return project;
  const id = context.params.instanceId ?? '';
  const record = findInstance(context.state, id, context.now);
  if (!record || record.tenantId !== project.id || context.now < record.visibleAt) {
    return instanceNotFound(id);
  }
  return record;
}

/** Whether a lookup answered a refusal rather than the thing looked up. */
export const isReply = (value: object): value is Reply =>
  'status' in value && typeof (value as { status: unknown }).status === 'number';
