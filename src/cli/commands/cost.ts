import { estimateCost } from '../../provisioning/idle/estimate-cost.js';
import type { UserDatabaseRecord } from '../../records/record.js';
import type { Command } from '../command.js';
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

// Reads the store alone: no Aura, no keys, no instance spec.
const NEEDS = ['store'] as const;

/** `cost [--price n] [--paused-share n] [--memory-gb n] [--days n]`: the bill, estimated. */
export const costCommand: Command = {
  name: 'cost',
  summary: 'estimate what the users’ instances cost, running and paused',
  usage: 'cost [--price <usd per GB-month>] [--paused-share <0-1>] [--memory-gb <n>] [--days <n>]',
  description: [
    'Estimates from the records (Aura is not called) what the instance-per-user instances cost',
    'over the last --days (default 30): running from their create, paused since the idle policy',
    'paused them, at --price per GB-month (default 65, AuraDB Professional) and --paused-share of',
    'it while paused (default 0.2). Users on a shared host are counted apart. Aura’s invoice is',
    'the truth: a user paused and woken within the window is counted as running throughout.',
    'With --json: the estimate as `estimateCost` gives it.',
    '',
    'Exit code 0: estimated, whatever it says.',
  ].join('\n'),
  flags: {
    price: { type: 'string', value: '<usd>', description: 'price per GB-month running (65)' },
    'paused-share': { type: 'string', value: '<share>', description: 'paused price share (0.2)' },
    'memory-gb': { type: 'string', value: '<gb>', description: 'memory of each instance (1)' },
    days: { type: 'string', value: '<n>', description: 'the window, in days up to now (30)' },
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
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    const records: UserDatabaseRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await opened.store.list({ cursor, limit: PAGE_SIZE, order: 'userId' });
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    const estimate = estimateCost(records, options);
    const usd = (n: number) => `$${n.toFixed(2)}`;
    context.out.result(estimate, () => [
      ...formatTable(
        ['USER', 'STATUS', 'RUNNING GB-H', 'PAUSED GB-H', 'COST'],
        estimate.users.map((u) => [
          u.userId,
          u.status,
          u.runningGbHours.toFixed(1),
          u.pausedGbHours.toFixed(1),
          usd(u.cost),
        ]),
      ),
      `${estimate.users.length} instances: ${usd(estimate.cost)} (always on: ${usd(estimate.alwaysOnCost)}); ${estimate.hostedUsers} users on shared hosts not counted.`,
    ]);
    return EXIT_CODES.ok;
  },
};
