/**
 * Options of the fake's v2beta1 side (organizations, project-scoped instances,
 * databases in a multi-database instance), merged into `AuraMockOptions`.
 */

/**
 * An organization the fake knows, and the projects (tenant ids) it holds.
 *
 * @example
 * ```ts
 * createAuraMock({
 *   tenants: [{ id: 'p-1', name: 'One' }, { id: 'p-2', name: 'Two' }],
 *   organizations: [{ id: 'acme', name: 'Acme', projectIds: ['p-1'] }],
 * });
 * ```
 */
export interface OrganizationSeed {
  id: string;
  name: string;
  /** Tenant ids (v1) that are this organization's projects (v2beta1). Default: every tenant. */
  projectIds?: string[];
}

/**
 * The v2beta1 options of {@link createAuraMock}; every one has a default in
 * `AURA_MOCK_DEFAULTS`.
 *
 * @example
 * ```ts
 * const aura = createAuraMock({ clock, databaseCreationTimeMs: 2_000, instancePageLimit: 10 });
 * ```
 */
export interface MultiDatabaseMockOptions {
  /** Default: one organization `org-1` holding every tenant as a project. */
  organizations?: OrganizationSeed[];
  /**
   * Time from a database create until its `status` reads `online` (`creating`
   * before). Aura documents no database status at all: the field, its values
   * and this delay are the fake's guess. Default 5 000.
   */
  databaseCreationTimeMs?: number;
  /** Page size of `GET .../instances` when the request sends no `page_limit`. Default 100. */
  instancePageLimit?: number;
}

/** The v2beta1 options after defaults were applied. */
export interface ResolvedMultiDatabaseOptions {
  organizations: Required<OrganizationSeed>[];
  databaseCreationTimeMs: number;
  instancePageLimit: number;
}

/**
 * Defaults of the v2beta1 options (also part of `AURA_MOCK_DEFAULTS`).
 *
 * @example
 * ```ts
 * await clock.advance(MULTI_DATABASE_DEFAULTS.databaseCreationTimeMs);
 * ```
 */
export const MULTI_DATABASE_DEFAULTS = {
  organizations: [{ id: 'org-1', name: 'Test organization' }] as OrganizationSeed[],
  databaseCreationTimeMs: 5_000,
  instancePageLimit: 100,
} as const;

/**
 * Applies {@link MULTI_DATABASE_DEFAULTS}; `tenantIds` are the fake's tenants,
 * which an organization without `projectIds` holds.
 *
 * @example
 * ```ts
 * resolveMultiDatabaseOptions({}, ['tenant-1']).organizations[0]?.projectIds; // ['tenant-1']
 * ```
 */
export function resolveMultiDatabaseOptions(
  options: MultiDatabaseMockOptions,
  tenantIds: readonly string[],
): ResolvedMultiDatabaseOptions {
  const organizations = options.organizations ?? MULTI_DATABASE_DEFAULTS.organizations;
  return {
    organizations: organizations.map((o) => ({
      id: o.id,
      name: o.name,
      projectIds: [...(o.projectIds ?? tenantIds)],
    })),
    databaseCreationTimeMs:
      options.databaseCreationTimeMs ?? MULTI_DATABASE_DEFAULTS.databaseCreationTimeMs,
    instancePageLimit: options.instancePageLimit ?? MULTI_DATABASE_DEFAULTS.instancePageLimit,
  };
}
