import * as z from 'zod/mini';
import type { CallOptions } from '../call.js';
import { AuraConfigurationError } from '../errors/usage.js';
import { checkInput, idInput } from '../requests.js';
import {
  envelope,
  type Tenant,
  type TenantSummary,
  tenantSummaryWire,
  tenantWire,
} from '../schemas.js';
import type { Transport } from '../transport.js';
import { toCamel } from '../wire.js';

/** `aura.tenants`: the projects (tenants) these credentials can use. */
export class TenantsResource {
  readonly #transport: Transport;
  readonly #defaultTenantId: string | undefined;

  constructor(transport: Transport, defaultTenantId: string | undefined) {
    this.#transport = transport;
    this.#defaultTenantId = defaultTenantId;
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
    const body = await this.#transport.call({
      method: 'GET',
      path: '/tenants',
      schema: envelope(z.array(tenantSummaryWire)),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  /**
   * Gets one tenant with the instance configurations it offers (type,
   * region, memory, cloud provider); defaults to the client's `tenantId`.
   *
   * @example
   * ```ts
   * const { instanceConfigurations } = await aura.tenants.get();
   * ```
   */
  async get(tenantId?: string, options?: CallOptions): Promise<Tenant> {
    const id = checkInput(idInput, tenantId ?? this.#requireDefault(), 'tenantId');
    const body = await this.#transport.call({
      method: 'GET',
      path: `/tenants/${encodeURIComponent(id)}`,
      schema: envelope(tenantWire),
      safety: 'idempotent',
      options,
    });
    return toCamel(body.data);
  }

  #requireDefault(): string {
    if (this.#defaultTenantId) return this.#defaultTenantId;
    throw new AuraConfigurationError('No tenant id: pass one, or set `tenantId` on the client', [
      { path: 'tenantId', message: 'required' },
    ]);
  }
}
