import { AuraError, type AuraErrorOptions } from './base.js';
import type { ResponseIssue } from './transport.js';

/**
 * The client was given options or arguments that cannot work (a missing
 * client id, an instance name of 31 characters, ...). Nothing was sent.
 * `issues` says which option or field is wrong.
 */
export class AuraConfigurationError extends AuraError {
  override readonly name = 'AuraConfigurationError' as const;
  readonly code = 'invalid_configuration' as const;
  readonly issues: ResponseIssue[];

  constructor(message: string, issues: ResponseIssue[] = [], options: AuraErrorOptions = {}) {
    const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    super(detail ? `${message}: ${detail}` : message, options);
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/**
 * `POST /instances` got no clear answer (a timeout, a 5xx, a dropped
 * connection): the instance **may have been created**. Do not create again
 * blindly; look it up by name first (`aura.instances.findByName(name)`).
 * `cause` is the underlying error. The password, if the instance exists, is lost.
 */
export class AuraCreateOutcomeUnknownError extends AuraError {
  override readonly name = 'AuraCreateOutcomeUnknownError' as const;
  readonly code = 'create_outcome_unknown' as const;
  readonly mayHaveBeenCreated = true as const;
  readonly instanceName: string;
  readonly tenantId: string;

  constructor(instanceName: string, tenantId: string, cause: AuraError) {
    super(
      `Creating instance "${instanceName}" got no clear answer (${cause.message}); it may have been created: look it up by name before creating again`,
      {
        cause,
        status: cause.status,
        request: cause.method
          ? { method: cause.method, path: cause.path ?? '', requestId: cause.requestId }
          : undefined,
      },
    );
    this.instanceName = instanceName;
    this.tenantId = tenantId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), instanceName: this.instanceName, tenantId: this.tenantId };
  }
}

/**
 * A call needed a tenant, the client was given no `tenantId`, and the
 * credentials do not see exactly one tenant to default to. `tenantIds` are
 * the ones they see: none (give the API client a project in the Aura
 * console), or several to choose from (set `tenantId` to one). Nothing was
 * created. Tenant ids are no secret; the message holds nothing else.
 */
export class AuraTenantRequiredError extends AuraError {
  override readonly name = 'AuraTenantRequiredError' as const;
  readonly code = 'tenant_required' as const;
  readonly tenantIds: string[];

  constructor(tenantIds: readonly string[]) {
    super(
      `No tenantId given, and these credentials see ${tenantIds.length === 0 ? 'no tenant' : `several: pass one of ${tenantIds.join(', ')}`}`,
    );
    this.tenantIds = [...tenantIds];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tenantIds: this.tenantIds };
  }
}

/** While waiting, the instance reached a state it will not come back from (`loading failed`, `destroying`). */
export class AuraInstanceFailedError extends AuraError {
  override readonly name = 'AuraInstanceFailedError' as const;
  readonly code = 'instance_failed' as const;
  readonly instanceId: string;
  readonly instanceStatus: string;

  constructor(instanceId: string, instanceStatus: string) {
    super(`Instance ${instanceId} reached status "${instanceStatus}" and will not become running`);
    this.instanceId = instanceId;
    this.instanceStatus = instanceStatus;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), instanceId: this.instanceId, instanceStatus: this.instanceStatus };
  }
}
