import * as z from 'zod/mini';
import { type Clock, systemClock } from '../kernel/clock.js';
import { type Logger, silentLogger } from '../kernel/logger.js';
import {
  arrayOf,
  atLeastZero,
  greaterThanZero,
  httpUrl,
  integer,
  nonBlank,
  number,
  optional,
  renamedTo,
} from './checks.js';
import { bindClientInternals } from './client-transport.js';
import { DEFAULTS, type RetryOptions } from './defaults.js';
import { AuraConfigurationError } from './errors/usage.js';
import { toIssues } from './issues.js';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { InstancesResource } from './resources/instances.js';
import { SnapshotsResource } from './resources/snapshots.js';
import { TenantsResource } from './resources/tenants.js';
import type { TokenCache } from './token.js';
import { Transport } from './transport.js';
import { VERSION } from './version.js';

/** Options of {@link AuraClient}. Only the credentials are required. */
export interface AuraClientOptions {
  /** API client id, from the Aura console (Account > API keys). */
  clientId: string;
  /** API client secret. Kept private: it appears in no error, log line or `toJSON`. */
  clientSecret: string;
  /**
   * Default tenant (project) for calls that need one (a create, `tenants.get()`).
   * Without it, those calls use the only tenant the credentials see, looked
   * up once (`aura.tenants.defaultId()`); with none or several,
   * `AuraTenantRequiredError` names them. `instances.list()` without a tenant
   * lists every tenant's instances.
   */
  tenantId?: string;
  /** API origin. Default `https://api.neo4j.io`. */
  baseUrl?: string;
  /** A `fetch` to use instead of `globalThis.fetch` (resolved at call time). */
  fetch?: typeof fetch;
  /** Time one attempt may take, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Retry settings for transient failures. */
  retry?: RetryOptions;
  /**
   * Client-side request budget, shared by every call of this client.
   * Default 125 per minute (Aura's); `false` turns it off.
   */
  rateLimit?: RateLimitOptions | false;
  /** A limiter to share with other clients (or processes); overrides `rateLimit`. */
  rateLimiter?: RateLimiter;
  /** Refresh the token this long before it expires, in ms. Default 60 000. */
  tokenRefreshMarginMs?: number;
  /**
   * Budget of token requests, enforced before each is sent. Default 15 an hour
   * (Aura's token endpoint allows 15 per client id); `false` turns it off.
   */
  tokenRateLimit?: RateLimitOptions | false;
  /**
   * Where the token is kept so that other clients and processes reuse it
   * (`createPostgresTokenCache`, or a {@link TokenCache} of your own). Default:
   * this client's memory.
   */
  tokenCache?: TokenCache;
  logger?: Logger;
  /** Appended to the `User-Agent` header: say who is calling. */
  userAgent?: string;
  /** Time source; inject a test clock for simulated time. */
  clock?: Clock;
  /** Randomness for jitter, in [0, 1). */
  random?: () => number;
}

const nonEmpty = nonBlank('required');
const positive = number().check(greaterThanZero());
const optionsSchema = z.object({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  tenantId: optional(nonEmpty),
  baseUrl: optional(httpUrl()),
  timeoutMs: optional(positive),
  tokenRefreshMarginMs: optional(number().check(atLeastZero())),
  // Other unknown keys pass (as before); these old names would be silently ignored, so they fail.
  timeout: renamedTo('timeoutMs'),
  tokenRefreshMargin: renamedTo('tokenRefreshMarginMs'),
  retry: optional(
    z.object({
      limit: optional(integer().check(atLeastZero())),
      baseDelayMs: optional(positive),
      maxDelayMs: optional(positive),
      maxRetryAfterMs: optional(number().check(atLeastZero())),
      statusCodes: optional(arrayOf(integer())),
    }),
  ),
  rateLimit: optional(
    z.object({
      limit: integer().check(greaterThanZero()),
      windowMs: positive,
      burst: optional(integer().check(greaterThanZero())),
    }),
  ),
});

const unlimited: RateLimiter = { acquire: async () => {} };

/**
 * A client for the Neo4j Aura API v1: OAuth tokens cached and refreshed,
 * calls rate-limited to Aura's budget, transient failures retried where that
 * is safe (never a create, except on 429), answers validated, and every
 * failure a typed {@link AuraError}.
 *
 * @example
 * ```ts
 * const aura = new AuraClient({
 *   clientId: process.env.AURA_CLIENT_ID!,
 *   clientSecret: process.env.AURA_CLIENT_SECRET!,
 *   tenantId: process.env.AURA_TENANT_ID,
 * });
 * const created = await aura.instances.create({
 *   name: 'user-4f1c', type: 'professional-db', memory: '1GB',
 *   region: 'europe-west1', cloudProvider: 'gcp',
 * });
 * await aura.instances.waitUntilRunning(created.id);
 * ```
 */
export class AuraClient {
  readonly tenants: TenantsResource;
  readonly instances: InstancesResource;
  readonly snapshots: SnapshotsResource;
  /** The limiter every call of this client goes through. */
  readonly rateLimiter: RateLimiter;
  readonly #tenantId: string | undefined;

  constructor(options: AuraClientOptions) {
    // `rateLimit: false` (no limiter) is let through here, not by a zod union: see checks.ts.
    const checked = optionsSchema.safeParse(
      options?.rateLimit === false ? { ...options, rateLimit: undefined } : (options ?? {}),
    );
    if (!checked.success) {
      throw new AuraConfigurationError('Invalid AuraClient options', toIssues(checked.error));
    }
    const clock = options.clock ?? systemClock;
    this.#tenantId = options.tenantId;
    this.rateLimiter =
      options.rateLimiter ??
      (options.rateLimit === false
        ? unlimited
        : createRateLimiter(options.rateLimit ?? DEFAULTS.rateLimit, clock));
    const transport = new Transport({
      baseUrl: (options.baseUrl ?? DEFAULTS.baseUrl).replace(/\/+$/, ''),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      fetch: options.fetch,
      clock,
      random: options.random ?? Math.random,
      logger: options.logger ?? silentLogger,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? DEFAULTS.tokenRefreshMarginMs,
      retry: { ...DEFAULTS.retry, ...options.retry },
      limiter: this.rateLimiter,
      tokenLimiter:
        options.tokenRateLimit === false
          ? unlimited
          : createRateLimiter(
              {
                burst: 15,
                shrinkAfter429: 0,
                ...(options.tokenRateLimit ?? DEFAULTS.token.rateLimit),
              },
              clock,
            ),
      tokenCache: options.tokenCache,
      userAgent: `aura-provisioner/${VERSION}${options.userAgent ? ` ${options.userAgent}` : ''}`,
    });
    // Shared with the v2beta1 resources (`new AuraV2(aura)`): one token, one limiter.
    bindClientInternals(this, { transport, clock });
    this.tenants = new TenantsResource(transport, options.tenantId);
    this.instances = new InstancesResource(transport, clock, options.tenantId, this.tenants);
    this.snapshots = new SnapshotsResource(transport);
  }

  /** The default tenant id, if one was given (not the looked-up one: see `tenants.defaultId()`). */
  get tenantId(): string | undefined {
    return this.#tenantId;
  }

  toJSON(): Record<string, unknown> {
    return { tenantId: this.#tenantId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AuraClient { tenantId: ${JSON.stringify(this.#tenantId)} }`;
  }
}
