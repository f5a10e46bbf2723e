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
  /**
   * How databases are named. `caller` (default): as the create asks, as Aura's preview page
   * documents (lower-case `creating`, then `online`). `auto`: the name asked for is ignored and
   * Aura assigns one (`293fd870`, say), as its current page documents; the create answers
   * `{ data: { id } }` only, as Neo4j's Go SDK reads it, and the listing shows `CREATING`, then
   * `RUNNING`.
   */
  databaseNaming?: 'caller' | 'auto';
  /**
   * The name of the default database a multi-database instance starts with, which cannot be
   * deleted (`DELETE` answers 400). `neo4j` (default), as Aura's preview page documents; or
   * `assigned`: 8 hex digits (`293fd870`), as Aura's current page says every database is named.
   */
  defaultDatabaseName?: 'neo4j' | 'assigned';
  /**
   * Whether the answer to a multi-database instance's create carries `default_database_id`, the
   * id of its default database. Default `true`; Aura documents the field as optional.
   */
  defaultDatabaseIdInAnswer?: boolean;
  /**
   * Databases an instance holds per GB of memory, `neo4j` counted, 100 at most. Default 5 (the
   * preview page); Aura's current page says "a 4GB instance supports up to 4 databases" (1).
   */
  databasesPerGb?: number;
  /**
   * How a full instance refuses a database: 400 `database-limit-reached` (default), 402
   * `quota-exceeded` (how v2beta1 signals a full quota) or 422 `unprocessable`. Aura documents
   * none of them for databases.
   */
  databaseLimitStatus?: 400 | 402 | 422;
  /**
   * How long a deleted database still counts toward its instance's limit after the `DELETE`
   * (answered 202), though gone from the listing at once. Default 0 (it stops counting at
   * once). Aura does not say: a create on a full instance right after a delete may be refused.
   */
  deletedDatabaseCountsForMs?: number;
  /**
   * Calls of `GET .../billing/usage` an organization may make per day (UTC, by the fake's clock);
   * past it the fake answers 429 with `Retry-After` up to the next day. Default 10.
   */
  billingUsageDailyLimit?: number;
  /**
   * The fields of a billing usage row, which Aura does not document. `split` (default):
   * `instance_id`, `instance_name`, `running_gb_hours`, `paused_gb_hours`, `cost` and `currency`,
   * as numbers. `total`: `id`, `name`, `gb_hours` and `list_cost`, as numeric strings.
   */
  billingUsageShape?: 'split' | 'total';
}

/** The v2beta1 options after defaults were applied. */
export interface ResolvedMultiDatabaseOptions {
  organizations: Required<OrganizationSeed>[];
  databaseCreationTimeMs: number;
  instancePageLimit: number;
  databaseNaming: 'caller' | 'auto';
  defaultDatabaseName: 'neo4j' | 'assigned';
  defaultDatabaseIdInAnswer: boolean;
  databasesPerGb: number;
  databaseLimitStatus: 400 | 402 | 422;
  deletedDatabaseCountsForMs: number;
  billingUsageDailyLimit: number;
  billingUsageShape: 'split' | 'total';
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
  databaseNaming: 'caller',
  defaultDatabaseName: 'neo4j',
  defaultDatabaseIdInAnswer: true,
  databasesPerGb: 5,
  databaseLimitStatus: 400,
  deletedDatabaseCountsForMs: 0,
  billingUsageDailyLimit: 10,
  billingUsageShape: 'split',
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
    databaseNaming: options.databaseNaming ?? MULTI_DATABASE_DEFAULTS.databaseNaming,
    defaultDatabaseName: options.defaultDatabaseName ?? MULTI_DATABASE_DEFAULTS.defaultDatabaseName,
    defaultDatabaseIdInAnswer:
      options.defaultDatabaseIdInAnswer ?? MULTI_DATABASE_DEFAULTS.defaultDatabaseIdInAnswer,
    databasesPerGb: options.databasesPerGb ?? MULTI_DATABASE_DEFAULTS.databasesPerGb,
    databaseLimitStatus: options.databaseLimitStatus ?? MULTI_DATABASE_DEFAULTS.databaseLimitStatus,
    deletedDatabaseCountsForMs:
      options.deletedDatabaseCountsForMs ?? MULTI_DATABASE_DEFAULTS.deletedDatabaseCountsForMs,
    billingUsageDailyLimit:
      options.billingUsageDailyLimit ?? MULTI_DATABASE_DEFAULTS.billingUsageDailyLimit,
    billingUsageShape: options.billingUsageShape ?? MULTI_DATABASE_DEFAULTS.billingUsageShape,
  };
}
