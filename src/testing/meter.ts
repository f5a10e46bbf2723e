import type { InstanceStatus } from './model.js';

/**
 * What an instance has cost so far, in GB-hours of memory: `running` at the full hourly rate,
 * `paused` at the paused rate (Aura bills a paused instance 20% of its hourly rate).
 *
 * @example
 * ```ts
 * const [meter] = aura.bill().instances;
 * expect(meter?.pausedGbHours).toBe(24); // 1 GB paused for a day
 * ```
 */
export interface InstanceMeter {
  id: string;
  name: string;
  /** Memory in GB as of the last reading. */
  memoryGb: number;
  /** GB-hours billed at the running rate: `creating`, `running`, `pausing`, `resuming`, ... */
  runningGbHours: number;
  /** GB-hours billed at the paused rate: `paused`. */
  pausedGbHours: number;
  /** Times Aura resumed this instance on its own after the longest pause it allows. */
  autoResumes: number;
  /** Whether the instance is gone (deleted); its meter stays. */
  gone: boolean;
}

/**
 * The fake's bill: every instance it ever held, gone ones included, and the totals.
 *
 * @example
 * ```ts
 * const { runningGbHours, pausedGbHours } = aura.bill();
 * const dollars = runningGbHours * 0.09 + pausedGbHours * 0.018;
 * ```
 */
export interface AuraMockBill {
  instances: InstanceMeter[];
  runningGbHours: number;
  pausedGbHours: number;
}

/** How a status is billed: not at all while it is deleted, failed or suspended. */
function billedAs(status: InstanceStatus | 'gone'): 'running' | 'paused' | undefined {
  if (status === 'paused') return 'paused';
  if (
    status === 'gone' ||
    status === 'destroying' ||
    status === 'loading failed' ||
    status === 'suspending' ||
    status === 'suspended'
  ) {
    return undefined;
  }
  return 'running';
}

const HOUR_MS = 3_600_000;

/** Memory in GB of an Aura size such as `1GB` or `512MB`; 0 when unreadable. */
export function memoryGb(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(GB|MB)$/i.exec(memory.trim());
  if (!match) return 0;
  const amount = Number(match[1]);
  return match[2]?.toUpperCase() === 'MB' ? amount / 1024 : amount;
}

/**
 * Starts metering an instance at `at`.
 *
 * @example
 * ```ts
 * const meter = startMeter(record.id, record.name, record.memory, now);
 * ```
 */
export function startMeter(id: string, name: string, memory: string, at: number): MeterState {
  return {
    view: {
      id,
      name,
      memoryGb: memoryGb(memory),
      runningGbHours: 0,
      pausedGbHours: 0,
      autoResumes: 0,
      gone: false,
    },
    until: at,
  };
}

/** A meter and the time up to which it has counted. */
export interface MeterState {
  view: InstanceMeter;
  until: number;
}

/**
 * Counts the time from the meter's last reading to `to` as `status`, with `memory`.
 *
 * @example
 * ```ts
 * accrue(meter, 'running', '1GB', now);
 * ```
 */
export function accrue(
  meter: MeterState,
  status: InstanceStatus | 'gone',
  memory: string,
  to: number,
): void {
  if (to <= meter.until) return;
  const gb = memoryGb(memory);
  const gbHours = (gb * (to - meter.until)) / HOUR_MS;
  const kind = billedAs(status);
  if (kind === 'running') meter.view.runningGbHours += gbHours;
  if (kind === 'paused') meter.view.pausedGbHours += gbHours;
  meter.view.memoryGb = gb;
  meter.until = to;
}

/**
 * The bill from the meters (already brought up to now).
 *
 * @example
 * ```ts
 * billOf([...state.meters.values()]);
 * ```
 */
export function billOf(meters: readonly MeterState[]): AuraMockBill {
  const instances = meters.map((m) => ({ ...m.view }));
  return {
    instances,
    runningGbHours: instances.reduce((sum, m) => sum + m.runningGbHours, 0),
    pausedGbHours: instances.reduce((sum, m) => sum + m.pausedGbHours, 0),
  };
}
