import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import { type AuraProject, AuraV2 } from '../aura/resources/v2/aura-v2.js';
import { systemClock } from '../kernel/clock.js';
import { silentLogger } from '../kernel/logger.js';
import { PROVISIONING_DEFAULTS } from '../provisioning/defaults.js';
import { resolveNameOwnership } from '../provisioning/deployment.js';
import type { UnownedInstance } from '../provisioning/ownership.js';
import { type Survey, survey } from '../provisioning/reconcile-survey.js';
import { judgeHosts } from '../provisioning/strategies.js';
import type { HostStore } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';
import type { CliConfig } from './config.js';

export { readAllRecords } from '../provisioning/reconcile-snapshot.js';

/** An unowned instance of our making, still live at Aura, with its status when checked. */
export interface FoundOrphan {
  instanceId: string;
  instanceName: string;
  kind: UnownedInstance['kind'];
  /** The user: the record's for a duplicate; the name's where it encodes one. */
  userId: string | undefined;
  /** Its Aura status when it was checked. */
  instanceStatus: string;
}

/** What the instances named by the prefix are, by kind. */
export interface InstanceCounts {
  /** Owned by a record. */
  owned: number;
  /** Owned by none but being deleted (`destroying`): not orphans. */
  destroying: number;
  /** Hosts of the `database-per-user` placement (`<prefix>host-0001`, ...). */
  hosts: number;
  /** Names that start with the prefix but are not of the provisioner's making: left alone. */
  other: number;
}

/** The CLI's survey: reconcile's own snapshot and judgement, and each unowned instance's status. */
export interface CliSurvey extends Survey {
  /** Unowned instances Aura still has and is not deleting (one status read each). */
  orphans: FoundOrphan[];
  instances: InstanceCounts;
  /** The hosts' project, with the `database-per-user` placement. */
  project: AuraProject | undefined;
}

/**
 * Reconcile's survey (Aura listed first, then every record, judged by the
 * same code the engine uses), read-only, with the CLI's settings: the
 * prefix, the deployment (`AURA_DEPLOYMENT`, else the store's table) and,
 * with the `database-per-user` placement, the hosts. A one-shot command has
 * seen no database before, so one Aura gives no age stays `young` here.
 */
export async function surveyForCli(
  aura: AuraClient,
  store: CredentialStore & HostStore,
  config: Pick<CliConfig, 'aura' | 'placement'>,
): Promise<CliSurvey> {
  const { tenantId, instancePrefix: prefix, deployment } = config.aura;
  const { kind, organizationId } = config.placement;
  const project =
    kind === 'database-per-user'
      ? new AuraV2(aura).project(organizationId as string, tenantId)
      : undefined;
  const found = await survey(
    {
      aura,
      store,
      clock: systemClock,
      logger: silentLogger,
      prefix,
      names: () => resolveNameOwnership(deployment, store),
      hosts: project && {
        records: () => store.listHosts(),
        project: () => project,
        judge: judgeHosts,
      },
      reconciling: { graceMs: PROVISIONING_DEFAULTS.orphanGraceMs, firstSeen: new Map() },
    },
    tenantId,
  );
  const orphans: FoundOrphan[] = [];
  let destroying = 0;
  for (const unowned of found.judged.unownedInstances) {
    const status = await aura.instances.get(unowned.instanceId).then(
      (instance) => instance.status as string,
      (error: unknown) => {
        if (isAuraError(error, 'not_found')) return undefined;
        throw error;
      },
    );
    if (status === 'destroying') destroying++;
    if (status === undefined || status === 'destroying') continue;
    const { instanceId, instanceName, kind: what, userId } = unowned;
    orphans.push({ instanceId, instanceName, kind: what, userId, instanceStatus: status });
  }
  const { owned, hosts, other } = found.judged.counts;
  return { ...found, orphans, instances: { owned, destroying, hosts, other }, project };
}
