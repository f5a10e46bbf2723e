import type { InstanceStatus } from './model.js';
import type { TransitionDurations } from './options.js';

/** What an instance's status does over time: it holds, or settles into `next` at `settlesAt`. */
export interface Phase {
  status: InstanceStatus;
  settlesAt?: number;
  /** `gone`: the instance disappears (after `destroying`). */
  next?: InstanceStatus | 'gone';
}

/**
 * Durations of every transitional status, `creating` included, and how long an instance
 * stays `paused` before Aura resumes it on its own.
 */
export type PhaseDurations = TransitionDurations & { creating: number; paused: number };

/** Where each transitional status settles when left alone. */
const SETTLES_INTO: Partial<Record<InstanceStatus, InstanceStatus | 'gone'>> = {
  creating: 'running',
  destroying: 'gone',
  pausing: 'paused',
  // Aura resumes a paused instance on its own once it has been paused for 30 days.
  paused: 'resuming',
  resuming: 'running',
  updating: 'running',
  restoring: 'running',
  overwriting: 'running',
  loading: 'running',
  suspending: 'suspended',
};

/** An operation a request starts on an instance. */
export type InstanceAction = 'pause' | 'resume' | 'update' | 'restore' | 'destroy' | 'snapshot';

/** From which statuses each action may start, and the status it moves to. */
const ACTIONS: Record<InstanceAction, { from: readonly InstanceStatus[]; to?: InstanceStatus }> = {
  pause: { from: ['running'], to: 'pausing' },
  resume: { from: ['paused'], to: 'resuming' },
  update: { from: ['running'], to: 'updating' },
  restore: { from: ['running'], to: 'restoring' },
  // Deleting works whenever no other operation runs: a stuck create can be cleaned up.
  destroy: {
    from: ['running', 'paused', 'suspended', 'creating', 'loading failed'],
    to: 'destroying',
  },
  snapshot: { from: ['running'] },
};

/**
 * The phase as it stands at `now`: settled into its next status once due.
 *
 * @example
 * ```ts
 * statusAt({ status: 'creating', settlesAt: 90_000, next: 'running' }, 90_000); // 'running'
 * ```
 */
export function statusAt(phase: Phase, now: number): InstanceStatus | 'gone' {
  if (phase.settlesAt !== undefined && phase.next !== undefined && now >= phase.settlesAt) {
    return phase.next;
  }
  return phase.status;
}

/**
 * A phase entering `status` at `now`; a transitional status settles after its
 * duration (`creating` uses `creationMs`). `next` overrides where it settles.
 *
 * @example
 * ```ts
 * enter('pausing', 0, { ...DEFAULTS.transitionMs, creating: 90_000, paused: DEFAULTS.autoResumeAfterMs }); // { status: 'pausing', settlesAt: 30_000, next: 'paused' }
 * ```
 */
export function enter(
  status: InstanceStatus,
  now: number,
  durations: PhaseDurations,
  next?: InstanceStatus,
): Phase {
  const settlesInto = next ?? SETTLES_INTO[status];
  if (settlesInto === undefined) return { status };
  const duration = (durations as Partial<Record<InstanceStatus, number>>)[status] ?? 0;
  return { status, settlesAt: now + duration, next: settlesInto };
}

/**
 * Whether `action` may start from `status`; the new status if so.
 *
 * @example
 * ```ts
 * startAction('running', 'pause'); // { allowed: true, to: 'pausing' }
 * startAction('resuming', 'pause'); // { allowed: false }
 * ```
 */
export function startAction(
  status: InstanceStatus,
  action: InstanceAction,
): { allowed: true; to?: InstanceStatus } | { allowed: false } {
  const rule = ACTIONS[action];
  if (!rule.from.includes(status)) return { allowed: false };
  return rule.to === undefined ? { allowed: true } : { allowed: true, to: rule.to };
}
