import type { PlacementStrategy } from '../placement-strategy.js';
import type { Runtime } from '../runtime.js';
import { runDatabaseDelete, runDatabaseStatus, runPlace } from './database-steps.js';
import type { HostPool } from './host-pool.js';
import { keepHosts } from './host-upkeep.js';
import { reconciledHosts, reconcileHosts } from './reconcile-hosts.js';
import { discardHostedDatabase } from './unowned-database.js';

export { judgeHosts } from './host-judgement.js';
export { HostPool } from './host-pool.js';
export { freeSlotsOf } from './host-transition.js';
export { hostSummary } from './reconcile-hosts.js';

/**
 * The `database-per-user` placement: a database per user on shared
 * multi-database hosts that `hosts` opens, fills and keeps ahead of demand.
 */
export function createDatabaseStrategy(rt: Runtime & { hosts: HostPool }): PlacementStrategy {
  let upkeep: ReturnType<typeof keepHosts> | undefined;
  return {
    placement: 'database-per-user',
    create: (record) => runPlace(rt, record),
    readStatus: (record) => runDatabaseStatus(rt, record),
    delete: (record) => runDatabaseDelete(rt, record),
    // Woken before its time because a host has room now: no reason to wait any longer.
    wakes: (record) => record.status === 'pending' && record.waitingForHostSince !== null,
    letGo(userId, record) {
      if (record?.status !== 'pending') rt.hosts.forget(userId);
    },
    start() {
      upkeep ??= keepHosts(rt, rt.hosts);
    },
    close: async () => upkeep?.stop(),
    async resume(record, step) {
      await rt.scheduler.schedule(record.userId, step.at, step.priority);
    },
    discard: (record) => discardHostedDatabase(rt, rt.hosts, record),
    hosts: reconciledHosts(rt.hosts),
    reconcileResources: (found, policies, report) =>
      reconcileHosts(rt, rt.hosts, found, policies, report),
  };
}
