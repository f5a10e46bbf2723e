import type { RecordPlacement, UserDatabaseRecord } from '../records/record.js';
import { createDatabaseStrategy, type HostPool } from './database/index.js';
import { createInstanceStrategy } from './instance/index.js';
import type { PlacementStrategy } from './placement-strategy.js';
import type { Runtime } from './runtime.js';

/**
 * The database strategy's judgement of the hosts, its summary of one host and its count of a
 * host's free slots, for surveys and reports made without a provisioner (the CLI).
 */
export { freeSlotsOf, hostSummary, judgeHosts } from './database/index.js';

/** The strategies a provisioner runs, and the one each record belongs to. */
export interface Strategies {
  /** The placement new users are claimed with: the provisioner's `placement` option. */
  readonly placement: RecordPlacement;
  /** `instance-per-user` always; `database-per-user` too with that placement. */
  readonly all: readonly PlacementStrategy[];
  /** The strategy of the record's stored placement, or `undefined` where it is not run here. */
  of(record: Pick<UserDatabaseRecord, 'placement'>): PlacementStrategy | undefined;
}

/**
 * The dispatch point: the one place that knows both placements' folders. A
 * provisioner runs the instance strategy always (records of that placement
 * stay serviceable whatever the option says now) and the database strategy
 * when it has `hosts`.
 */
export function createStrategies(rt: Runtime, hosts: HostPool | undefined): Strategies {
  const instance = createInstanceStrategy(rt);
  const database = hosts ? createDatabaseStrategy({ ...rt, hosts }) : undefined;
  const all = database ? [instance, database] : [instance];
  return {
    placement: (database ?? instance).placement,
    all,
    of: (record) => all.find((strategy) => strategy.placement === record.placement),
  };
}
