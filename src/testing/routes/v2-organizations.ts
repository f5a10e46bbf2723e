import type { Reply } from '../reply.js';
import { dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import { isReply, organizationOf, projectOf, V2 } from './v2-scope.js';

/** `GET /v2beta1/organizations`. */
function listOrganizations({ state }: RouteContext): Reply {
  return dataReply(
    200,
    state.multiDatabase.organizations.map((o) => ({ id: o.id, name: o.name })),
  );
}

/** `GET /v2beta1/organizations/{org}`. */
function getOrganization(context: RouteContext): Reply {
  const organization = organizationOf(context);
  if (isReply(organization)) return organization;
  return dataReply(200, { id: organization.id, name: organization.name });
}

/** `GET .../projects`: the organization's tenants, as projects. */
function listProjects(context: RouteContext): Reply {
  const organization = organizationOf(context);
  if (isReply(organization)) return organization;
  const projects = context.state.options.tenants.filter((t) =>
    organization.projectIds.includes(t.id),
  );
  return dataReply(
    200,
    projects.map((t) => ({ id: t.id, name: t.name })),
  );
}

/** `GET .../projects/{project}`. */
function getProject(context: RouteContext): Reply {
  const project = projectOf(context);
  if (isReply(project)) return project;
  return dataReply(200, { id: project.id, name: project.name });
}

/** Reading organizations and their projects (v2beta1). */
export const V2_ORGANIZATION_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: '/v2beta1/organizations', handle: listOrganizations },
  { method: 'GET', pattern: V2, handle: getOrganization },
  { method: 'GET', pattern: `${V2}/projects`, handle: listProjects },
  { method: 'GET', pattern: `${V2}/projects/:projectId`, handle: getProject },
];
