import * as z from 'zod/mini';
import type { CallOptions } from '../../call.js';
import { AuraConfigurationError } from '../../errors/usage.js';
import { checkInput } from '../../requests.js';
import { type BillingUsageInput, v2Requests } from '../../requests-v2.js';
import { envelope } from '../../schemas.js';
import type { Transport } from '../../transport.js';
import type { OrganizationsResource } from './organizations.js';
import { segment } from './paths.js';

/**
 * One row of Aura's billing usage: an instance's GB-hours and list cost over the period.
 * Aura documents the endpoint but not its fields, so each is read under several likely names
 * (snake or camel case: `instance_id`, `dbid` or `id`; `running_gb_hours`; `paused_gb_hours`;
 * `gb_hours`; `cost`, `list_cost` or `amount`), from a number or a numeric string, and is
 * `undefined` when absent. `raw` is the row exactly as Aura sent it.
 */
export interface BillingUsageRow {
  instanceId: string | undefined;
  runningGbHours: number | undefined;
  pausedGbHours: number | undefined;
  /** Aura's total if it sends one, else running plus paused (whichever were sent). */
  gbHours: number | undefined;
  /** The list cost of the period, in `currency` (US dollars when Aura names none). */
  cost: number | undefined;
  currency: string | undefined;
  raw: Record<string, unknown>;
}

/** Field names per value, compared without case, `_` or `-`. */
const FIELDS = {
  instanceId: ['instanceid', 'dbid', 'id'],
  running: ['runninggbhours', 'gbhoursrunning'],
  paused: ['pausedgbhours', 'gbhourspaused'],
  total: ['gbhours', 'totalgbhours', 'usagegbhours'],
  cost: ['cost', 'listcost', 'listprice', 'totalcost', 'amount'],
  currency: ['currency'],
} as const;

/** Where a list of rows may sit inside `data` when `data` is not the list itself. */
const ROW_LISTS = ['usage', 'instances', 'items', 'rows'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first value among `names` in `row`, keys compared without case, `_` or `-`. */
function pick(row: Record<string, unknown>, names: readonly string[]): unknown {
  const keyed = new Map(
    Object.entries(row).map(([key, value]) => [key.toLowerCase().replace(/[_-]/g, ''), value]),
  );
  return names.map((name) => keyed.get(name)).find((value) => value != null);
}

/** A finite number from a number or a numeric string; `undefined` otherwise. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'string' && value.trim() === '') return undefined;
  const parsed =
    typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** One row, read leniently. */
function toRow(raw: Record<string, unknown>): BillingUsageRow {
  const id = pick(raw, FIELDS.instanceId);
  const currency = pick(raw, FIELDS.currency);
  const runningGbHours = numberOf(pick(raw, FIELDS.running));
  const pausedGbHours = numberOf(pick(raw, FIELDS.paused));
  const split =
    runningGbHours === undefined && pausedGbHours === undefined
      ? undefined
      : (runningGbHours ?? 0) + (pausedGbHours ?? 0);
  return {
    instanceId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
    runningGbHours,
    pausedGbHours,
    gbHours: numberOf(pick(raw, FIELDS.total)) ?? split,
    cost: numberOf(pick(raw, FIELDS.cost)),
    currency: typeof currency === 'string' ? currency : undefined,
    raw,
  };
}

/** The rows of `data`: a list, or an object holding one under a usual name. */
function rowsOf(data: unknown): Record<string, unknown>[] {
  const list = Array.isArray(data)
    ? data
    : isRecord(data)
      ? ROW_LISTS.map((name) => data[name]).find(Array.isArray)
      : undefined;
  return (list ?? []).filter(isRecord);
}

/**
 * `v2.billing`: what Aura bills the organization (v2beta1). Aura allows about 10 usage calls
 * per organization a day: cache the answer.
 */
export class BillingResource {
  readonly #transport: Transport;
  readonly #organizations: OrganizationsResource;

  constructor(transport: Transport, organizations: OrganizationsResource) {
    this.#transport = transport;
    this.#organizations = organizations;
  }

  /**
   * The usage per instance from `start` to `end` (`YYYY-MM-DD`). Without `organizationId`,
   * the organization is the only one these credentials belong to (more than one throws
   * `AuraConfigurationError`). Bad dates throw `AuraConfigurationError` before any call.
   *
   * @example
   * ```ts
   * const rows = await v2.billing.usage({ start: '2026-11-01', end: '2026-11-30' });
   * for (const row of rows) console.log(row.instanceId, row.gbHours, row.cost);
   * ```
   */
  async usage(input: BillingUsageInput, options?: CallOptions): Promise<BillingUsageRow[]> {
    const { organizationId, start, end } = checkInput(
      v2Requests().billingUsageInput,
      input,
      'billing usage input',
    );
    const organization = organizationId ?? (await this.#onlyOrganization(options));
    const body = await this.#transport.call({
      method: 'GET',
      version: 'v2beta1',
      path: `/organizations/${segment(organization, 'organizationId')}/billing/usage`,
      query: { start, end },
      schema: envelope(z.unknown()),
      safety: 'idempotent',
      options,
    });
    return rowsOf(body.data).map(toRow);
  }

  async #onlyOrganization(options: CallOptions | undefined): Promise<string> {
    const organizations = await this.#organizations.list(options);
    const [only] = organizations;
    if (only === undefined || organizations.length > 1) {
      throw new AuraConfigurationError(
        `billing.usage needs an organizationId: these credentials belong to ${organizations.length} organizations`,
      );
    }
    return only.id;
  }
}
