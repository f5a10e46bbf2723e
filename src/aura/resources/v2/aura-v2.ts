import type { Clock } from '../../../kernel/clock.js';
import type { AuraClient } from '../../client.js';
import { clientInternals } from '../../client-transport.js';
import type { Transport } from '../../transport.js';
import { BillingResource } from './billing.js';
import { DatabasesResource } from './databases.js';
import { OrganizationsResource, ProjectsResource } from './organizations.js';
import type { ProjectRef } from './paths.js';
import { ProjectInstancesResource } from './project-instances.js';

/** The instances and databases of one project, through v2beta1. */
export interface AuraProject extends Readonly<ProjectRef> {
  readonly instances: ProjectInstancesResource;
  readonly databases: DatabasesResource;
}

/**
 * The Aura API v2beta1 (preview): organizations, projects, project-scoped
 * instances, the databases inside a multi-database instance, and billing usage. Built on an
 * {@link AuraClient}, whose token, rate limiter, timeout and retry rules it
 * shares: v1 and v2 calls count against one budget and one token. A separate
 * class (not `aura.v2`) so that apps that only use v1 do not bundle it.
 *
 * @example
 * ```ts
 * const aura = new AuraClient({ clientId, clientSecret });
 * const v2 = new AuraV2(aura);
 * const [org] = await v2.organizations.list();
 * const project = v2.project(org.id, projectId);
 * const shared = await project.instances.create({
 *   name: 'shared-1', type: 'business-critical', memory: '4GB',
 *   region: 'europe-west1', cloudProvider: 'gcp', multiDatabase: true,
 * });
 * await project.databases.create(shared.id, 'u-0f3a9c');
 * ```
 */
export class AuraV2 {
  readonly organizations: OrganizationsResource;
  readonly projects: ProjectsResource;
  /** Billing usage per instance (about 10 calls per organization a day). */
  readonly billing: BillingResource;
  readonly #transport: Transport;
  readonly #clock: Clock;

  constructor(client: AuraClient) {
    const internals = clientInternals(client);
    this.#transport = internals.transport;
    this.#clock = internals.clock;
    this.organizations = new OrganizationsResource(this.#transport);
    this.projects = new ProjectsResource(this.#transport);
    this.billing = new BillingResource(this.#transport, this.organizations);
  }

  /**
   * The instances and databases of one project (v1 calls projects tenants).
   *
   * @example
   * ```ts
   * const { instances, databases } = v2.project(orgId, projectId);
   * ```
   */
  project(organizationId: string, projectId: string): AuraProject {
    const ref = { organizationId, projectId };
    return {
      organizationId,
      projectId,
      instances: new ProjectInstancesResource(this.#transport, ref, this.#clock),
      databases: new DatabasesResource(this.#transport, ref),
    };
  }

  toJSON(): Record<string, unknown> {
    return {};
  }
}
