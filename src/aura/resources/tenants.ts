import type { CallOptions } from '../call.js';
import { arrayOf } from '../checks.js';
import { AuraTenantRequiredError } from '../errors/usage.js';
import { checkInput, idInput } from '../requests.js';
import { type Tenant, type TenantSummary, tenantSummaryWire, tenantWire } from '../schemas.js';
import type { Transport } from '../transport.js';
import { callForData } from './call-data.js';

/** `aura.tenants`: the projects (tenants) these credentials can use. */
export class TenantsResource {
  readonly #transport: Transport;
  readonly #defaultTenantId: string | undefined;
  /** The lookup of the only tenant, when no default was given: made once, then kept. */
  #onlyTenant: Promise<string> | undefined;

  constructor(transport: Transport, defaultTenantId: string | undefined) {
    this.#transport = transport;
    this.#defaultTenantId = defaultTenantId;
  }

  /**
   * The tenant that calls needing one default to: the client's `tenantId`
   * when it was given (no request), otherwise the only tenant these
   * credentials see, looked up once (`GET /tenants`, through the client's
   * token, rate limit and retries) and kept. With none or several to choose
   * from, rejects with `AuraTenantRequiredError` naming them (and asks again
   * next time, as it does after a failed lookup). The lookup is shared by
   * concurrent callers, so no one caller's signal ends it: a caller's signal
   * applies to its own request that follows.
   *
   * @example
   * ```ts
   * const aura = new AuraClient({ clientId, clientSecret }); // no tenantId
   * const tenantId = await aura.tenants.defaultId();
   * ```
   */
  defaultId(): Promise<string> {
    if (this.#defaultTenantId) return Promise.resolve(this.#defaultTenantId);
    if (!this.#onlyTenant) {
      // Shared by concurrent callers, so not bound to one caller's signal: each waits on its own.
      const lookup = this.list().then((tenants) => {
        if (tenants.length !== 1) throw new AuraTenantRequiredError(tenants.map((t) => t.id));
        return (tenants[0] as TenantSummary).id;
      });
      this.#onlyTenant = lookup;
      lookup.catch(() => {
        if (this.#onlyTenant === lookup) this.#onlyTenant = undefined;
      });
    }
    return this.#onlyTenant;
  }

  /**
   * Lists the tenants (projects).
   *
   * @example
   * ```ts
   * const [first] = await aura.tenants.list();
   * ```
   */
  async list(options?: CallOptions): Promise<TenantSummary[]> {
    return callForData(this.#transport, {
      method: 'GET',
      path: '/tenants',
      schema: arrayOf(tenantSummaryWire),
      safety: 'idempotent',
      options,
    });
  }

  /**
   * Gets one tenant with the instance configurations it offers (type,
   * region, memory, cloud provider); defaults to the client's `tenantId`,
   * or without one to the only tenant the credentials see (see `defaultId`).
   *
   * @example
   * ```ts
   * const { instanceConfigurations } = await aura.tenants.get();
   * ```
   */
  async get(tenantId?: string, options?: CallOptions): Promise<Tenant> {
    const id = checkInput(idInput, tenantId ?? (await this.defaultId()), 'tenantId');
    return callForData(this.#transport, {
      method: 'GET',
      path: `/tenants/${encodeURIComponent(id)}`,
      schema: tenantWire,
      safety: 'idempotent',
      options,
    });
  }
}
