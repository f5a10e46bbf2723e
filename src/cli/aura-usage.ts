import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuraRateLimitError } from '../aura/errors/http.js';
import { AuraV2 } from '../aura/resources/v2/aura-v2.js';
import type { BillingUsageRow } from '../aura/resources/v2/billing.js';
import type { CliConfig } from './config.js';
import { openAura } from './services.js';

/** Defaults of the CLI's billing usage cache, declared once. */
export const AURA_USAGE_DEFAULTS = {
  /**
   * Aura answers about 10 billing usage calls per organization a day: one answer (or refusal)
   * for a period serves every `cost --aura` for this long.
   */
  maxAgeMs: 6 * 3_600_000,
} as const;

/** Whole days, `YYYY-MM-DD`, as Aura's billing usage takes them. */
export interface UsagePeriod {
  start: string;
  end: string;
}

/** What Aura answered for the period, when, and whether this run read it from the cache. */
export type AuraUsage =
  | { period: UsagePeriod; fetchedAt: number; cached: boolean; rows: BillingUsageRow[] }
  | { period: UsagePeriod; fetchedAt: number; cached: boolean; refused: string; until: number };

/** What a cache file holds. */
type CachedUsage =
  | { fetchedAt: number; rows: BillingUsageRow[] }
  | { fetchedAt: number; refused: string; until: number };

/** The cache file of one period, client and organization (no secret in its name or content). */
function cacheFile(
  dir: string,
  aura: CliConfig['aura'],
  organizationId: string,
  period: UsagePeriod,
) {
  const key = [aura.baseUrl, aura.clientId, organizationId, period.start, period.end].join('\n');
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return join(dir, `billing-usage-${digest}.json`);
}

async function readCache(file: string): Promise<CachedUsage | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CachedUsage;
  } catch {
    return undefined;
  }
}

async function writeCache(dir: string, file: string, entry: CachedUsage): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written aside and renamed: a reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(entry), { mode: 0o600 });
  await rename(temporary, file);
}

/** Aura's answer, or its refusal, as cached. */
async function ask(
  aura: CliConfig['aura'],
  organizationId: string | undefined,
  period: UsagePeriod,
  now: number,
): Promise<CachedUsage> {
  // No retry: a 429 here is the daily limit, and every attempt would spend a call of it.
  const v2 = new AuraV2(openAura(aura, { retry: { limit: 0 } }));
  try {
    return { fetchedAt: now, rows: await v2.billing.usage({ ...period, organizationId }) };
  } catch (error) {
    if (!(error instanceof AuraRateLimitError)) throw error;
    const wait = error.retryAfterMs ?? AURA_USAGE_DEFAULTS.maxAgeMs;
    return {
      fetchedAt: now,
      refused: `Aura refused the billing usage (429: about 10 calls per organization a day); not asked again before ${new Date(now + wait).toISOString()}`,
      until: now + wait,
    };
  }
}

/**
 * Aura's billing usage for `period`, at most one call per period every
 * {@link AURA_USAGE_DEFAULTS}.maxAgeMs: the answer, or a 429 refusal, is kept in a file under
 * `cacheDir` (the token cache's folder). Without a folder every run calls Aura. Other failures
 * throw, uncached.
 *
 * @example
 * ```ts
 * const usage = await auraUsage(config.aura, undefined, { start: '2026-11-07', end: '2026-12-07' }, Date.now());
 * ```
 */
export async function auraUsage(
  aura: CliConfig['aura'],
  organizationId: string | undefined,
  period: UsagePeriod,
  now: number,
): Promise<AuraUsage> {
  const dir = aura.tokenCacheDir;
  const file = dir ? cacheFile(dir, aura, organizationId ?? '', period) : undefined;
  const cached = file ? await readCache(file) : undefined;
  const fresh =
    cached &&
    ('until' in cached
      ? now < cached.until
      : now - cached.fetchedAt < AURA_USAGE_DEFAULTS.maxAgeMs);
  if (cached && fresh) return { ...cached, period, cached: true };
  const answer = await ask(aura, organizationId, period, now);
  if (dir && file) await writeCache(dir, file, answer);
  return { ...answer, period, cached: false };
}

/**
 * The period of whole UTC days covering the `days` up to `now`.
 *
 * @example
 * ```ts
 * usagePeriod(Date.UTC(2026, 11, 7, 16), 30); // { start: '2026-11-07', end: '2026-12-07' }
 * ```
 */
export function usagePeriod(now: number, days: number): UsagePeriod {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { start: day(now - days * 86_400_000), end: day(now) };
}
