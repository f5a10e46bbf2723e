import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import { planReconcile, type ReconcilePlan } from '../provisioning/reconcile-plan.js';
import { isOwnInstanceName } from '../records/instance-name.js';
import type { UserDatabaseRecord } from '../records/record.js';
import type { CredentialStore, ListQuery } from '../records/store.js';

/** An instance with our prefix that no record owns, still live at Aura. */
export interface FoundOrphan {
  instanceId: string;
  instanceName: string;
  /** Its Aura status when it was checked. */
  instanceStatus: string;
}

const PAGE_SIZE = 200;

/** Every record of the store (of these statuses), page by page. Read-only. */
export async function readAllRecords(
  store: CredentialStore,
  query: Pick<ListQuery, 'statuses'> = {},
): Promise<UserDatabaseRecord[]> {
  const records: UserDatabaseRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...query, cursor, limit: PAGE_SIZE });
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}

/** A read-only snapshot: the records, the plan reconcile would follow, and the live orphans. */
export interface ReconcileSnapshot {
  records: UserDatabaseRecord[];
  plan: ReconcilePlan;
  orphans: FoundOrphan[];
  /** Instances named as the prefix names them, by kind. */
  instances: {
    /** Owned by a record. */
    owned: number;
    /** Owned by none but being deleted (`destroying`): not orphans. */
    destroying: number;
    /** Names that start with the prefix but are not of the provisioner's making: left alone. */
    foreign: number;
  };
}

/**
 * Reads the store and Aura and works out what reconcile would do, changing
 * nothing, with reconcile's own plan (`planReconcile`): like reconcile, an
 * orphan candidate counts only while Aura still has it and it is not
 * `destroying` (one status read each).
 */
export async function scanForReconcile(
  aura: AuraClient,
  store: CredentialStore,
  context: { tenantId: string; prefix: string; retryFailed: boolean; now: number },
): Promise<ReconcileSnapshot> {
  const records = await readAllRecords(store);
  const instances = await aura.instances.list({ tenantId: context.tenantId });
  const plan = planReconcile(records, instances, context);
  const orphans: FoundOrphan[] = [];
  let destroying = 0;
  for (const candidate of plan.candidates) {
    const status = await aura.instances.get(candidate.instanceId).then(
      (instance) => instance.status as string,
      (error: unknown) => {
        if (isAuraError(error, 'not_found')) return undefined;
        throw error;
      },
    );
    if (status === 'destroying') destroying++;
    if (status === undefined || status === 'destroying') continue;
    orphans.push({ ...candidate, instanceStatus: status });
  }
  const named = instances.filter((i) => i.name.startsWith(context.prefix));
  const own = named.filter((i) => isOwnInstanceName(i.name, context.prefix)).length;
  const counts = {
    owned: own - plan.candidates.length,
    destroying,
    foreign: named.length - own,
  };
  return { records, plan, orphans, instances: counts };
}
