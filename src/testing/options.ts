import type { Clock } from '../kernel/clock.js';
import { systemClock } from '../kernel/clock.js';
import { AuraMockConfigurationError } from './errors.js';
import type { InstanceConfiguration, MockInstanceSpec, TenantSeed } from './model.js';
import { MULTI_DATABASE_DEFAULTS, type MultiDatabaseMockOptions } from './v2/options.js';

/**
 * How long each transitional status lasts before it settles, in milliseconds.
 *
 * @example
 * ```ts
 * createAuraMock({ transitionMs: { destroying: 0, pausing: 5_000 } });
 * ```
 */
export interface TransitionDurations {
  /** `destroying`, after which the instance is gone (404). */
  destroying: number;
  pausing: number;
  resuming: number;
  updating: number;
  restoring: number;
  overwriting: number;
  loading: number;
  suspending: number;
  /** A snapshot is `InProgress` this long, then `Completed`. */
  snapshot: number;
}

/**
 * Options of {@link createAuraMock}. Every field has a default (see `DEFAULTS`).
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * const aura = createAuraMock({ clock, notFoundAfterCreateMs: 20_000, instanceLimit: 3 });
 * ```
 */
export interface AuraMockOptions extends MultiDatabaseMockOptions {
  /** Only `now()` is used. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Default `https://api.neo4j.io`; the API is under `${baseUrl}/v1`, the token at `${baseUrl}/oauth/token`. */
  baseUrl?: string;
  /**
   * The only client credentials the token endpoint accepts. Default: any
   * non-empty client id and secret, so a first run needs no made-up pair; give
   * this to test a wrong secret (401 `invalid_client`).
   */
  credentials?: { clientId: string; clientSecret: string }[];
  /** Default: one tenant `tenant-1` offering the default configurations. */
  tenants?: TenantSeed[];
  /** Lifetime of an access token. Default 3600. */
  tokenTtlSeconds?: number;
  /** Time from create until `running`. Default 90 000. */
  creationTimeMs?: number | ((spec: MockInstanceSpec) => number);
  /** `GET /instances/{id}` answers 404 this long after create. Default 0. */
  notFoundAfterCreateMs?: number;
  /** Creates beyond this many live instances answer 405. Default `Infinity`. */
  instanceLimit?: number;
  /**
   * Sliding window over `/v1` requests, counted on arrival; `false` turns it off. Default 125 per
   * 60 s (a trial account gets 25). A refused request answers 429 with `Retry-After`, unless
   * `retryAfter: false` (Aura does not always send one).
   */
  rateLimit?: { limit: number; windowMs: number; retryAfter?: boolean } | false;
  /**
   * Sliding window over token requests, counted on arrival: over it, the token endpoint answers
   * 429. Aura allows 15 an hour per client id: `{ limit: 15, windowMs: 3_600_000 }`. Default
   * `false` (no limit).
   */
  tokenRateLimit?: { limit: number; windowMs: number } | false;
  /** Source of ids, passwords and tokens. Default `Math.random`. */
  random?: () => number;
  /** When it returns true, the new instance ends in `loading failed` instead of `running`. */
  failCreation?: (spec: MockInstanceSpec) => boolean;
  /** Durations of the other transitional statuses (`pausing` and `resuming` among them). */
  transitionMs?: Partial<TransitionDurations>;
  /**
   * How long an instance stays `paused` before Aura resumes it on its own (`resuming`, then
   * `running`). Default 30 days, as Aura does for paid instances; `Infinity` never resumes.
   */
  autoResumeAfterMs?: number;
  /**
   * A real Neo4j server that every created instance stands for: its create answers this Bolt
   * URL, user name and password (and its reads this URL), so the clients of a user reach a real
   * database. Databases of a multi-database instance are only named: create them on the server
   * yourself if you use them. Default: made-up `neo4j+s://<id>.databases.neo4j.io` URLs.
   *
   * @example
   * ```ts
   * createAuraMock({ neo4j: { url: 'bolt://localhost:7687', username: 'neo4j', password: 'secret' } });
   * ```
   */
  neo4j?: Neo4jServer;
}

/** The options after defaults were applied. */
export interface ResolvedOptions {
  clock: Pick<Clock, 'now'>;
  baseUrl: string;
  basePath: string;
  /** `'any'`: every non-empty id and secret (the default). */
  credentials: { clientId: string; clientSecret: string }[] | 'any';
  tenants: Required<TenantSeed>[];
  tokenTtlSeconds: number;
  creationTimeMs: (spec: MockInstanceSpec) => number;
  notFoundAfterCreateMs: number;
  instanceLimit: number;
  rateLimit: { limit: number; windowMs: number; retryAfter?: boolean } | false;
  tokenRateLimit: { limit: number; windowMs: number } | false;
  random: () => number;
  failCreation: (spec: MockInstanceSpec) => boolean;
  transitionMs: TransitionDurations;
  autoResumeAfterMs: number;
  neo4j: Neo4jServer | undefined;
}

/**
 * A real Neo4j server every instance the fake creates stands for: creates answer its Bolt URL,
 * user name and password, so a client of a created instance reaches it.
 */
export interface Neo4jServer {
  /** The Bolt URL (`bolt://localhost:7687`, `neo4j://...`). */
  url: string;
  username: string;
  password: string;
}

const configuration = (
  cloudProvider: InstanceConfiguration['cloudProvider'],
  region: string,
  regionName: string,
  type: InstanceConfiguration['type'],
  memory: string,
  storage: string,
): InstanceConfiguration => ({
  cloudProvider,
  region,
  regionName,
  type,
  memory,
  storage,
  version: '5',
});

const GCP = ['gcp', 'europe-west1', 'Belgium (europe-west1)'] as const;
const AWS = ['aws', 'us-east-1', 'US East, N. Virginia (us-east-1)'] as const;

/**
 * The configurations a tenant offers unless it says otherwise (gcp europe-west1
 * and aws us-east-1; professional-db 1/2/4 GB and free-db 1 GB; version 5).
 * Seeds default to the first.
 *
 * @example
 * ```ts
 * createAuraMock({ tenants: [{ id: 'a', name: 'A', instanceConfigurations: [...DEFAULT_INSTANCE_CONFIGURATIONS] }] });
 * ```
 */
export const DEFAULT_INSTANCE_CONFIGURATIONS: readonly InstanceConfiguration[] = [
  configuration(...GCP, 'professional-db', '1GB', '2GB'),
  configuration(...GCP, 'professional-db', '2GB', '4GB'),
  configuration(...GCP, 'professional-db', '4GB', '8GB'),
  configuration(...GCP, 'free-db', '1GB', '2GB'),
  configuration(...AWS, 'professional-db', '1GB', '2GB'),
  configuration(...AWS, 'professional-db', '2GB', '4GB'),
  configuration(...AWS, 'professional-db', '4GB', '8GB'),
  configuration(...AWS, 'free-db', '1GB', '2GB'),
];

/**
 * Defaults of the fake, declared once (exported as `AURA_MOCK_DEFAULTS`).
 *
 * @example
 * ```ts
 * await clock.advance(AURA_MOCK_DEFAULTS.creationTimeMs);
 * ```
 */
export const DEFAULTS = {
  baseUrl: 'https://api.neo4j.io',
  /** Any non-empty client id and secret is accepted. */
  credentials: 'any',
  tenants: [{ id: 'tenant-1', name: 'Test tenant' }] as TenantSeed[],
  tokenTtlSeconds: 3600,
  creationTimeMs: 90_000,
  notFoundAfterCreateMs: 0,
  instanceLimit: Number.POSITIVE_INFINITY,
  rateLimit: { limit: 125, windowMs: 60_000 },
  tokenRateLimit: false,
  transitionMs: {
    destroying: 10_000,
    pausing: 30_000,
    resuming: 60_000,
    updating: 5_000,
    restoring: 60_000,
    overwriting: 60_000,
    loading: 30_000,
    suspending: 30_000,
    snapshot: 30_000,
  } satisfies TransitionDurations,
  /** Aura resumes a paused paid instance after 30 days. */
  autoResumeAfterMs: 30 * 24 * 3_600_000,
  /** The v2beta1 side: organizations, database creation time, instance page size. */
  ...MULTI_DATABASE_DEFAULTS,
} as const;

/** Applies {@link DEFAULTS} to the given options. */
export function resolveOptions(options: AuraMockOptions = {}): ResolvedOptions {
  const baseUrl = (options.baseUrl ?? DEFAULTS.baseUrl).replace(/\/+$/, '');
  const creation = options.creationTimeMs ?? DEFAULTS.creationTimeMs;
  const tenants = options.tenants ?? DEFAULTS.tenants;
  if (tenants.length === 0)
    throw new AuraMockConfigurationError('createAuraMock: at least one tenant is needed');
  return {
    clock: options.clock ?? systemClock,
    baseUrl,
    basePath: new URL(baseUrl).pathname.replace(/\/+$/, ''),
    credentials: options.credentials?.map((c) => ({ ...c })) ?? DEFAULTS.credentials,
    tenants: tenants.map((t) => ({
      id: t.id,
      name: t.name,
      instanceConfigurations: [...(t.instanceConfigurations ?? DEFAULT_INSTANCE_CONFIGURATIONS)],
    })),
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds,
    creationTimeMs: typeof creation === 'function' ? creation : () => creation,
    notFoundAfterCreateMs: options.notFoundAfterCreateMs ?? DEFAULTS.notFoundAfterCreateMs,
    instanceLimit: options.instanceLimit ?? DEFAULTS.instanceLimit,
    rateLimit: options.rateLimit === undefined ? { ...DEFAULTS.rateLimit } : options.rateLimit,
    tokenRateLimit: options.tokenRateLimit ?? DEFAULTS.tokenRateLimit,
    random: options.random ?? Math.random,
    failCreation: options.failCreation ?? (() => false),
    transitionMs: { ...DEFAULTS.transitionMs, ...options.transitionMs },
    autoResumeAfterMs: options.autoResumeAfterMs ?? DEFAULTS.autoResumeAfterMs,
    neo4j: options.neo4j,
  };
}
