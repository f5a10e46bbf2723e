import * as z from 'zod/mini';
import type { CallOptions } from '../../call.js';
import { envelope } from '../../schemas.js';
import { type Organization, type Project, v2Wire } from '../../schemas-v2.js';
import type { Transport } from '../../transport.js';
import { toCamel } from '../../wire.js';
import { segment } from './paths.js';

/** `v2.organizations`: the organizations these credentials belong to (v2beta1). */
export class OrganizationsResource {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the organizations.
   *
   * @example
   * ```ts
   * const [org] = await v2.organizations.list();
   * ```
   */
  async list(options?: CallOptions): Promise<Organization[]> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: '/organizations',
      schema: envelope(z.array(v2Wire().organizationWire)),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /**
   * Gets one organization.
   *
   * @example
   * ```ts
   * const { name } = await v2.organizations.get(orgId);
   * ```
   */
  async get(organizationId: string, options?: CallOptions): Promise<Organization> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: `/organizations/${segment(organizationId, 'organizationId')}`,
      schema: envelope(v2Wire().organizationWire),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }
}

/** `v2.projects`: the projects of an organization (v1 calls them tenants). */
export class ProjectsResource {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the projects of an organization.
   *
   * @example
   * ```ts
   * const projects = await v2.projects.list(orgId);
   * ```
   */
  async list(organizationId: string, options?: CallOptions): Promise<Project[]> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: `/organizations/${segment(organizationId, 'organizationId')}/projects`,
      schema: envelope(z.array(v2Wire().projectWire)),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /**
   * Gets one project of an organization.
   *
   * @example
   * ```ts
   * const project = await v2.projects.get(orgId, projectId);
   * ```
   */
  async get(organizationId: string, projectId: string, options?: CallOptions): Promise<Project> {
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: `/organizations/${segment(organizationId, 'organizationId')}/projects/${segment(projectId, 'projectId')}`,
      schema: envelope(v2Wire().projectWire),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }
}
