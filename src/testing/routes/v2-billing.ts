import { meteredUntil } from '../instance-registry.js';
import type { InstanceMeter } from '../meter.js';
import type { Reply } from '../reply.js';
import { auraError, dataReply } from '../reply.js';
import type { Route, RouteContext } from '../router.js';
import { isReply, organizationOf, V2 } from './v2-scope.js';

const DAY_MS = 86_400_000;
/** AuraDB Professional's list price per GB-hour running (about $65 per GB a month). */
const LIST_PRICE_PER_GB_HOUR = 65 / 730.5;
/** Aura bills a paused instance 20% of its hourly rate. */
const PAUSED_SHARE = 0.2;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A row in the shape the fake was told to answer (Aura does not document its fields). */
function rowOf(meter: InstanceMeter, shape: 'split' | 'total') {
  const cost = (meter.runningGbHours + PAUSED_SHARE * meter.pausedGbHours) * LIST_PRICE_PER_GB_HOUR;
  if (shape === 'total') {
    return {
      id: meter.id,
      name: meter.name,
      gb_hours: String(meter.runningGbHours + meter.pausedGbHours),
      list_cost: cost.toFixed(4),
    };
  }
  return {
    instance_id: meter.id,
    instance_name: meter.name,
    running_gb_hours: meter.runningGbHours,
    paused_gb_hours: meter.pausedGbHours,
    cost,
    currency: 'USD',
  };
}

/**
 * `GET .../billing/usage?start&end`: what each instance the fake ever held was billed, from its
 * meter up to now (the meter keeps no history, so `start` and `end` are checked, not applied).
 * Counted per organization and day; past the daily limit, 429 until the next day.
 */
function billingUsage(context: RouteContext): Reply {
  const organization = organizationOf(context);
  if (isReply(organization)) return organization;
  const { start, end } = context.incoming.query;
  for (const [name, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (value === undefined || !DATE.test(value)) {
      return auraError(400, 'invalid-request', `${name} must be a date (YYYY-MM-DD)`, name);
    }
  }
  if ((start as string) > (end as string)) {
    return auraError(400, 'invalid-request', 'start must not be after end', 'start');
  }
  const { billingUsageDailyLimit: limit, billingUsageShape: shape } = context.state.multiDatabase;
  const day = Math.floor(context.now / DAY_MS);
  const key = `${organization.id}@${day}`;
  const calls = context.state.billingUsageCalls.get(key) ?? 0;
  if (calls >= limit) {
    const reply = auraError(
      429,
      'rate-limit-exceeded',
      `Billing usage is limited to ${limit} calls per organization a day`,
    );
    const retryAfterS = Math.ceil(((day + 1) * DAY_MS - context.now) / 1000);
    return { ...reply, headers: { 'Retry-After': String(retryAfterS) } };
  }
  context.state.billingUsageCalls.set(key, calls + 1);
  const meters = meteredUntil(context.state, context.now);
  return dataReply(
    200,
    meters.map((m) => rowOf(m.view, shape)),
  );
}

/** Billing usage (v2beta1). */
export const V2_BILLING_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: `${V2}/billing/usage`, handle: billingUsage },
];
