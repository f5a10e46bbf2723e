/**
 * A database inside a multi-database instance, as the fake holds it. The
 * `status` is the fake's: Aura documents no database status (UNKNOWN).
 *
 * @example
 * ```ts
 * expect(aura.databases(instanceId).map((db) => db.name)).toEqual(['neo4j', 'app-u0f3a']);
 * ```
 */
export interface MockDatabase {
  id: string;
  name: string;
  instanceId: string;
  /** `creating` then `online`; `CREATING` then `RUNNING` with `databaseNaming: 'auto'`. */
  status: string;
  /** ISO 8601, whole seconds. */
  createdAt: string;
  /** Whether it is the instance's default database (`defaultDatabaseName`), which cannot be deleted. */
  isDefault: boolean;
}
