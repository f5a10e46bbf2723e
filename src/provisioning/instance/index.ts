import { forgetCreating, trackCreating } from '../creating-users.js';
import type { PlacementStrategy } from '../placement-strategy.js';
import { type Runtime, scheduleNext } from '../runtime.js';
import { runCreate } from './create-step.js';
import { runDelete } from './delete-step.js';
import { runStatusCheck } from './status-step.js';
import { discardFailedInstance, handleUnownedInstance } from './unowned-instance.js';

export { markRunning } from './status-step.js';

/**
 * The `instance-per-user` placement: one Aura instance per user, created under
 * a name derived from the user id, read until running, deleted on deprovision.
 */
export function createInstanceStrategy(rt: Runtime): PlacementStrategy {
  return {
    placement: 'instance-per-user',
    create: (record) => runCreate(rt, record),
    readStatus: (record) => runStatusCheck(rt, record),
    delete: (record) => runDelete(rt, record),
    wakes: () => false,
    start() {},
    close: async () => {},
    letGo(userId, record) {
      if (record?.status !== 'creating') forgetCreating(rt, userId);
    },
    async resume(record, step) {
      if (step.plannedRead) {
        // As after a status read: probes (or idle reads) start again before the planned read.
        trackCreating(rt, record);
        await scheduleNext(rt, record);
      } else {
        await rt.scheduler.schedule(record.userId, step.at, step.priority);
      }
    },
    discard: (record) => discardFailedInstance(rt, record),
    async reconcileResources(found, policies, report) {
      for (const unowned of found.judged.unownedInstances) {
        report.orphans.push(await handleUnownedInstance(rt, unowned, policies));
      }
    },
  };
}
