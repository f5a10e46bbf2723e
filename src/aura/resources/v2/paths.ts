import { checkInput, idInput } from '../../requests.js';

/** An id checked (not blank) and escaped for a path segment. */
export const segment = (id: string, what: string) =>
  encodeURIComponent(checkInput(idInput, id, what));

/** Where a project lives in v2beta1: every instance and database path starts here. */
export interface ProjectRef {
  organizationId: string;
  projectId: string;
}

/** `/organizations/{org}/projects/{project}` (below `/v2beta1`). */
export const projectPath = (ref: ProjectRef) =>
  `/organizations/${segment(ref.organizationId, 'organizationId')}/projects/${segment(ref.projectId, 'projectId')}`;

/** `.../instances` or `.../instances/{id}`. */
export const instancesPath = (ref: ProjectRef, instanceId?: string) =>
  `${projectPath(ref)}/instances${instanceId === undefined ? '' : `/${segment(instanceId, 'instanceId')}`}`;

/** `.../instances/{id}/databases` or `.../databases/{databaseId}`. */
export const databasesPath = (ref: ProjectRef, instanceId: string, databaseId?: string) =>
  `${instancesPath(ref, instanceId)}/databases${databaseId === undefined ? '' : `/${segment(databaseId, 'databaseId')}`}`;
