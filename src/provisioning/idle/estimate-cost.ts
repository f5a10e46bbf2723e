import { ProvisioningConfigurationError } from '../../records/errors.js';
import type { UserDatabaseRecord } from '../../records/record.js';

const HOUR_MS = 3_600_000;
/** Hours in an average month (365.25 × 24 / 12), as Aura's monthly prices count them. */
const HOURS_PER_MONTH = 730.5;

/**
 * Options of {@link estimateCost}. Defaults: AuraDB Professional's list price (about $65 per GB
 * a month), 20% of it while paused, 1 GB per instance, the last 30 days up to now.
 *
 * @example
 * ```ts
 * estimateCost(records, { pricePerGbMonth: 65, pausedShare: 0.2, memoryGb: 2 });
 * ```
 */
export interface CostOptions {
  pricePerGbMonth?: number;
  /** The share of the running price a paused instance costs. Default 0.2. */
  pausedShare?: number;
  /** Memory of each user's instance, in GB (the records do not hold it). Default 1. */
  memoryGb?: number;
  /** The window's end, ms. Default: now. */
  now?: number;
  /** The window's length. Default 30 days. */
  windowMs?: number;
}

/** One user's estimated share of the bill over the window. */
export interface UserCost {
  userId: string;
  status: UserDatabaseRecord['status'];
  runningGbHours: number;
  pausedGbHours: number;
  cost: number;
}

/** What {@link estimateCost} answers: per user (instance-per-user only), and the totals. */
export interface CostEstimate {
  users: UserCost[];
  runningGbHours: number;
  pausedGbHours: number;
  cost: number;
  /** What the same instances would have cost running the whole time. */
  alwaysOnCost: number;
  /** Users on a shared host (`database-per-user`): billed by their host, not counted here. */
  hostedUsers: number;
}

/**
 * Estimates from the records alone what the users' instances cost over a window (default the
 * last 30 days): an instance runs from its create (`createRequestedAt`, else `createdAt`) and,
 * if the record says `paused`, is paused since the pause was asked (`updatedAt`). Earlier pauses
 * leave no trace in a record, so this is an upper bound for users paused and woken within the
 * window; Aura's invoice is the truth. Users on a shared host are counted apart
 * (`hostedUsers`), and records without an instance (pending, failed before create) cost nothing.
 * Throws `ProvisioningConfigurationError` for a negative price, share or memory.
 *
 * @example
 * ```ts
 * const { cost, alwaysOnCost } = estimateCost((await store.list({ limit: 1000 })).records);
 * console.log(`$${cost.toFixed(2)} of $${alwaysOnCost.toFixed(2)} always-on`);
 * ```
 */
export function estimateCost(
  records: readonly UserDatabaseRecord[],
  options: CostOptions = {},
): CostEstimate {
  const price = options.pricePerGbMonth ?? 65;
  const pausedShare = options.pausedShare ?? 0.2;
  const gb = options.memoryGb ?? 1;
  const windowMs = options.windowMs ?? 30 * 24 * HOUR_MS;
  for (const [name, value] of Object.entries({
    pricePerGbMonth: price,
    pausedShare,
    memoryGb: gb,
    windowMs,
  })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ProvisioningConfigurationError(`${name} must be a number >= 0, not ${value}`);
    }
  }
  const now = options.now ?? Date.now();
  const from = now - windowMs;
  const perGbHour = price / HOURS_PER_MONTH;
  const users: UserCost[] = [];
  let hostedUsers = 0;
  let alwaysOnGbHours = 0;
  for (const record of records) {
    if (record.placement === 'database-per-user') {
      hostedUsers++;
      continue;
    }
    if (record.instanceId === null) continue;
    const start = Math.max(from, record.createRequestedAt ?? record.createdAt);
    const pausedFrom = record.status === 'paused' ? Math.max(start, record.updatedAt) : now;
    const hours = (a: number, b: number) => (Math.max(0, b - a) * gb) / HOUR_MS;
    const runningGbHours = hours(start, pausedFrom);
    const pausedGbHours = hours(pausedFrom, now);
    alwaysOnGbHours += hours(start, now);
    users.push({
      userId: record.userId,
      status: record.status,
      runningGbHours,
      pausedGbHours,
      cost: (runningGbHours + pausedShare * pausedGbHours) * perGbHour,
    });
  }
  const sum = (pick: (user: UserCost) => number) => users.reduce((n, u) => n + pick(u), 0);
  return {
    users,
    runningGbHours: sum((u) => u.runningGbHours),
    pausedGbHours: sum((u) => u.pausedGbHours),
    cost: sum((u) => u.cost),
    alwaysOnCost: alwaysOnGbHours * perGbHour,
    hostedUsers,
  };
}
