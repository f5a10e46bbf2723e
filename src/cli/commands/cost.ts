import type { BillingUsageRow } from '../../aura/resources/v2/billing.js';
import { type CostEstimate, estimateCost } from '../../provisioning/idle/estimate-cost.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import { auraUsage, usagePeriod } from '../aura-usage.js';
import type { Command, CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatTable } from '../output.js';
import { openStore } from '../services.js';

const PAGE_SIZE = 200;

/** A non-negative number flag, or its default. */
function numberFlag(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new CliUsageError(`--${name} "${String(value)}" is not a number >= 0`);
  }
  return parsed;
}

// Reads the store alone: no Aura, no keys, no instance spec (`--aura` adds Aura).
const NEEDS = ['store'] as const;
const NEEDS_WITH_AURA = ['store', 'aura'] as const;

/** How far apart two figures are, as a share of the larger (0 when both are 0). */
const gap = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(a, b));

/** One user's estimate beside Aura's row for the instance (undefined: Aura has none). */
interface UserBesideAura {
  userId: string;
  instanceId: string;
  auraGbHours: number | undefined;
  auraCost: number | undefined;
  /** Aura's cost against the estimated cost, else its GB-hours against the estimated ones. */
  gap: number | undefined;
  differs: boolean;
}

/** Joins the estimate and Aura's rows by instance id. */
function besideAura(
  estimate: CostEstimate,
  records: readonly UserDatabaseRecord[],
  rows: readonly BillingUsageRow[],
  tolerance: number,
) {
  const instanceOf = new Map(records.map((r) => [r.userId, r.instanceId]));
  const byInstance = new Map(rows.map((row) => [row.instanceId, row]));
  const users: UserBesideAura[] = estimate.users.map((u) => {
    const instanceId = instanceOf.get(u.userId) ?? '';
    const row = byInstance.get(instanceId);
    byInstance.delete(instanceId);
    const share =
      row?.cost !== undefined
        ? gap(row.cost, u.cost)
        : row?.gbHours !== undefined
          ? gap(row.gbHours, u.runningGbHours + u.pausedGbHours)
          : undefined;
    return {
      userId: u.userId,
      instanceId,
      auraGbHours: row?.gbHours,
      auraCost: row?.cost,
      gap: share,
      differs: share === undefined || share > tolerance,
    };
  });
  return { users, unmatched: [...byInstance.values()] };
}

/** `cost [--price n] [--paused-share n] [--memory-gb n] [--days n] [--aura]`: the bill, estimated, and Aura's. */
export const costCommand: Command = {
  name: 'cost',
  summary: 'estimate what the users’ instances cost, running and paused',
  usage:
    'cost [--price <usd per GB-month>] [--paused-share <0-1>] [--memory-gb <n>] [--days <n>] [--aura [--tolerance <share>]]',
  description: [
    'Estimates from the records (without --aura, Aura is not called) what the instance-per-user instances cost',
    'over the last --days (default 30): running from their create, paused since the idle policy',
    'paused them, at --price per GB-month (default 65, AuraDB Professional) and --paused-share of',
    'it while paused (default 0.2). Users on a shared host are counted apart. Aura’s invoice is',
    'the truth: a user paused and woken within the window is counted as running throughout.',
    'With --aura (and the Aura API settings), Aura’s own billing usage for the whole UTC days of',
    'the window is printed beside each user (joined by instance id), and users whose figure and',
    'the estimate differ by more than --tolerance (default 0.2, a share of the larger) are marked.',
    'Aura answers about 10 usage calls per organization a day: the answer, or a refusal, is cached',
    'for 6 hours under AURA_PROVISIONER_CACHE_DIR, and a 429 is reported, never retried. The',
    'organization is AURA_ORGANIZATION_ID, else the only one of the credentials.',
    'With --json: the estimate as `estimateCost` gives it (and `aura` with --aura).',
    '',
    'Exit code 0: estimated, whatever it says; 4: Aura failed the usage call, or refused it (429:',
    'the estimate is still printed).',
  ].join('\n'),
  flags: {
    price: { type: 'string', value: '<usd>', description: 'price per GB-month running (65)' },
    'paused-share': { type: 'string', value: '<share>', description: 'paused price share (0.2)' },
    'memory-gb': { type: 'string', value: '<gb>', description: 'memory of each instance (1)' },
    days: { type: 'string', value: '<n>', description: 'the window, in days up to now (30)' },
    aura: { type: 'boolean', description: 'print Aura’s billing usage beside the estimate' },
    tolerance: { type: 'string', value: '<share>', description: 'share marked as differing (0.2)' },
  },
  needs: NEEDS,
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`cost takes no arguments (got "${context.args[0]}")`);
    }
    const { flags } = context;
    const options = {
      pricePerGbMonth: numberFlag('price', flags.price, 65),
      pausedShare: numberFlag('paused-share', flags['paused-share'], 0.2),
      memoryGb: numberFlag('memory-gb', flags['memory-gb'], 1),
      windowMs: numberFlag('days', flags.days, 30) * 86_400_000,
    };
    const tolerance = numberFlag('tolerance', flags.tolerance, 0.2);
    const withAura = flags.aura === true;
    if (!withAura && flags.tolerance !== undefined) {
      throw new CliUsageError('--tolerance goes with --aura');
    }
    const { store: settings } = requireConfig(context.config, NEEDS);
    const aura = withAura ? requireConfig(context.config, NEEDS_WITH_AURA).aura : undefined;
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    const records: UserDatabaseRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await opened.store.list({ cursor, limit: PAGE_SIZE, order: 'userId' });
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    const now = Date.now();
    const estimate = estimateCost(records, { ...options, now });
    if (!aura) {
      printEstimate(context, estimate);
      return EXIT_CODES.ok;
    }
    const period = usagePeriod(now, options.windowMs / 86_400_000);
    const organizationId = context.config.values.organizationId;
    const usage = await auraUsage(aura, organizationId, period, now);
    if ('refused' in usage) {
      printEstimate(context, estimate, { aura: usage });
      context.out.note(usage.refused);
      return EXIT_CODES.unavailable;
    }
    const joined = besideAura(estimate, records, usage.rows, tolerance);
    const { rows: _rows, ...about } = usage;
    printEstimate(context, estimate, { aura: { ...about, tolerance, ...joined } }, joined.users);
    const differing = joined.users.filter((u) => u.differs).length;
    const unmatchedCost = joined.unmatched.reduce((n, row) => n + (row.cost ?? 0), 0);
    context.out.text([
      `Aura's usage ${usage.period.start} to ${usage.period.end} (asked ${new Date(usage.fetchedAt).toISOString()}${usage.cached ? ', cached' : ''}): ${differing} of ${joined.users.length} users differ from the estimate by more than ${Math.round(tolerance * 100)}%; ${joined.unmatched.length} instances at Aura match no user (${usd(unmatchedCost)}).`,
    ]);
    return EXIT_CODES.ok;
  },
};

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The estimate, with Aura's figures per user when given, as a table or JSON. */
function printEstimate(
  context: CommandContext,
  estimate: CostEstimate,
  extra: Record<string, unknown> = {},
  beside?: readonly UserBesideAura[],
): void {
  const aura = new Map(beside?.map((u) => [u.userId, u]));
  const auraColumns = (userId: string) => {
    if (!beside) return [];
    const u = aura.get(userId);
    const share = u?.gap === undefined ? 'no row' : `${Math.round(u.gap * 100)}%`;
    return [
      u?.auraGbHours?.toFixed(1) ?? '-',
      u?.auraCost === undefined ? '-' : usd(u.auraCost),
      u?.differs ? `${share} !` : share,
    ];
  };
  context.out.result({ ...estimate, ...extra }, () => [
    ...formatTable(
      [
        'USER',
        'STATUS',
        'RUNNING GB-H',
        'PAUSED GB-H',
        'COST',
        ...(beside ? ['AURA GB-H', 'AURA COST', 'GAP'] : []),
      ],
      estimate.users.map((u) => [
        u.userId,
        u.status,
        u.runningGbHours.toFixed(1),
        u.pausedGbHours.toFixed(1),
        usd(u.cost),
        ...auraColumns(u.userId),
      ]),
    ),
    `${estimate.users.length} instances: ${usd(estimate.cost)} (always on: ${usd(estimate.alwaysOnCost)}); ${estimate.hostedUsers} users on shared hosts not counted.`,
  ]);
}
