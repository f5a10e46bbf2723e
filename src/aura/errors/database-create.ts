import { AuraError } from './base.js';

/**
 * `POST .../instances/{id}/databases` got no clear answer (a timeout, a 5xx, a
 * dropped connection): the database **may have been created**. Creating it
 * again could fail as a duplicate or, worse, be taken for a fresh one: list the
 * instance's databases and match the name first
 * (`project.databases.findByName(instanceId, name)`). `cause` is the underlying error.
 *
 * @example
 * ```ts
 * try {
 *   await project.databases.create(instanceId, name);
 * } catch (error) {
 *   if (!(error instanceof AuraDatabaseCreateOutcomeUnknownError)) throw error;
 *   const [existing] = await project.databases.findByName(instanceId, name);
 * }
 * ```
 */
export class AuraDatabaseCreateOutcomeUnknownError extends AuraError {
  override readonly name = 'AuraDatabaseCreateOutcomeUnknownError' as const;
  readonly code = 'create_outcome_unknown' as const;
  readonly mayHaveBeenCreated = true as const;
  readonly instanceId: string;
  readonly databaseName: string;

  constructor(instanceId: string, databaseName: string, cause: AuraError) {
    super(
      `Creating database "${databaseName}" in instance ${instanceId} got no clear answer (${cause.message}); it may have been created: list the instance's databases and match the name before creating again`,
      {
        cause,
        status: cause.status,
        request: cause.method
          ? { method: cause.method, path: cause.path ?? '', requestId: cause.requestId }
          : undefined,
      },
    );
    this.instanceId = instanceId;
    this.databaseName = databaseName;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), instanceId: this.instanceId, databaseName: this.databaseName };
  }
}
