import { AuraClient, type AuraClientOptions } from '../aura/client.js';
import type { RateLimiter } from '../aura/rate-limiter.js';
import { VERSION } from '../aura/version.js';
import type { DatabasePerUserPlacement, HostSpec } from '../provisioning/placement.js';
import { createProvisioner, type Provisioner } from '../provisioning/provisioner.js';
import type { PollScheduler } from '../provisioning/scheduler.js';
import type { CredentialCipher } from '../records/cipher.js';
import type { HostStore } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';
import { createAesGcmCipher } from '../stores/cipher-aes-gcm.js';
import { type PostgresClient, PostgresCredentialStore } from '../stores/postgres-store.js';
import type { CliConfig } from './config.js';
import { CliUsageError } from './errors.js';
import { createFileTokenCache } from './token-file-cache.js';

/** Defaults of the CLI's connections, declared once. */
export const CLI_DEFAULTS = {
  /** A CLI run is short: two connections are plenty. */
  poolSize: 2,
  connectTimeoutMs: 10_000,
  /** `doctor` should answer quickly: one retry, a short timeout. */
  doctorAura: { timeoutMs: 10_000, retry: { limit: 1 } },
} as const;

/** Where a Supabase project's tables come from: the migrations the package ships, in order. */
export const SUPABASE_MIGRATIONS = [
  'supabase/migrations/20261125000000_aura_provisioner_user_databases.sql',
  'supabase/migrations/20261204000000_aura_provisioner_hosts.sql',
  'supabase/migrations/20261207000000_aura_provisioner_placement.sql',
  'supabase/migrations/20261207000100_aura_provisioner_idle.sql',
  'supabase/migrations/20261207000200_aura_provisioner_host_default_database.sql',
  'supabase/migrations/20261207000300_aura_provisioner_database_unique.sql',
  'supabase/migrations/20261207000400_aura_provisioner_host_slot_released.sql',
] as const;

/** {@link SUPABASE_MIGRATIONS} for a message: `a.sql, b.sql and c.sql`. */
export const SUPABASE_MIGRATION = `${SUPABASE_MIGRATIONS.slice(0, -1).join(', ')} and ${SUPABASE_MIGRATIONS.at(-1)}`;

/** A store and the pool behind it. */
export interface OpenedStore {
  store: PostgresCredentialStore;
  /** The pool, for the few reads the store has no method for (`migrate` looks at the catalog). */
  client: PostgresClient;
  close(): Promise<void>;
}

interface PgModule {
  Pool: new (
    config: Record<string, unknown>,
  ) => PostgresClient & {
    on(event: 'error', listener: (error: Error) => void): void;
    end(): Promise<void>;
  };
}

/** Where the CLI says what is not the result: {@link Output.note}, on stderr. */
export interface NoteWriter {
  note(text: string): void;
}

/**
 * Opens the PostgreSQL store. `pg` is an optional peer, so it is loaded only
 * here, and its absence is a usage error that says what to install. A pooled
 * connection the server drops while idle is noted on `out`, not thrown.
 */
export async function openStore(config: CliConfig['store'], out: NoteWriter): Promise<OpenedStore> {
  let pg: PgModule;
  try {
    const module = (await import('pg')) as unknown as { default?: PgModule } & PgModule;
    pg = module.default ?? module;
  } catch {
    throw new CliUsageError(
      'The PostgreSQL store needs the `pg` package: npm install pg',
      'configuration',
    );
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: CLI_DEFAULTS.poolSize,
    connectionTimeoutMillis: CLI_DEFAULTS.connectTimeoutMs,
  });
  // pg emits 'error' on the pool when an idle connection drops (a restart, a proxy's idle
  // timeout); with no listener that would crash the CLI. The pool replaces the connection.
  // The message is pg's (never the connection string), and the output redacts on top.
  pool.on('error', (error) => {
    out.note(`warning: the store closed an idle connection (${error.message}); reconnecting`);
  });
  return {
    store: new PostgresCredentialStore({ client: pool, table: config.table }),
    client: pool,
    close: () => pool.end(),
  };
}

/**
 * The Aura client for the CLI; `tuning` overrides its timeout and retries (`doctor` takes
 * `CLI_DEFAULTS.doctorAura`), `rateLimiter` to watch it.
 */
export function openAura(
  config: CliConfig['aura'],
  tuning: Pick<AuraClientOptions, 'timeoutMs' | 'retry'> = {},
  rateLimiter?: RateLimiter,
): AuraClient {
  const dir = config.tokenCacheDir;
  return new AuraClient({
    ...(rateLimiter ? { rateLimiter } : {}),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    tenantId: config.tenantId,
    baseUrl: config.baseUrl,
    userAgent: `aura-provisioner-cli/${VERSION}`,
    // Aura allows 15 token requests an hour: successive commands share one token on disk.
    ...(dir
      ? { tokenCache: createFileTokenCache({ dir, clientSecret: config.clientSecret }) }
      : {}),
    ...tuning,
  });
}

/** The cipher from the checked key list. */
export function openCipher(config: CliConfig['cipher']): CredentialCipher {
  return createAesGcmCipher({ keys: config.keys, currentKeyId: config.currentKeyId });
}

/**
 * Takes the provisioner's scheduled work and drops it. Without `--wait` the CLI
 * does only what `reconcile` itself does (retry, adopt); creates and status
 * reads stay due in the store for the application's provisioner.
 */
export const idleScheduler: PollScheduler = {
  schedule() {},
  start() {},
  close: async () => {},
};

/**
 * The `database-per-user` placement of the settings, or `undefined` for an
 * instance per user. The hosts are made of the instance settings, in the
 * project that is the tenant (a v1 tenant is a v2 project).
 */
export function placementOf(
  config: Pick<CliConfig, 'aura' | 'instance' | 'placement'>,
): DatabasePerUserPlacement | undefined {
  const { kind, organizationId, maxDatabasesPerHost, warmSlots, maxHosts } = config.placement;
  if (kind !== 'database-per-user') return undefined;
  const { type, memory, region, cloudProvider } = config.instance;
  return {
    kind,
    host: {
      organizationId: organizationId as string,
      projectId: config.aura.tenantId,
      type: type as HostSpec['type'],
      memory,
      region,
      cloudProvider,
    },
    ...(maxDatabasesPerHost === undefined ? {} : { maxDatabasesPerHost }),
    ...(warmSlots === undefined ? {} : { warmSlots }),
    ...(maxHosts === undefined ? {} : { maxHosts }),
  };
}

/**
 * A provisioner over the CLI's Aura client, store and cipher, for commands
 * that may create: with the `database-per-user` placement it places users on
 * hosts (and reconcile recounts the hosts' slots and finds orphan databases).
 */
export function openProvisioner(
  config: Pick<CliConfig, 'aura' | 'instance' | 'placement'>,
  parts: { aura: AuraClient; store: PostgresCredentialStore; cipher: CredentialCipher },
  scheduler?: PollScheduler,
): Provisioner {
  const { expectedCreationMs, ...spec } = config.instance;
  const placement = placementOf(config);
  return createProvisioner({
    ...parts,
    ...(placement ? { placement } : { instance: { ...spec, tenantId: config.aura.tenantId } }),
    instanceNamePrefix: config.aura.instancePrefix,
    deployment: config.aura.deployment,
    poll: { expectedCreationMs },
    ...(scheduler ? { scheduler } : {}),
  });
}

/**
 * A spec `createProvisioner` accepts, for a provisioner that never creates:
 * deleting a user's database needs no instance settings, but the provisioner
 * checks a spec when it is built.
 */
const NEVER_CREATED_SPEC = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;

/** {@link NEVER_CREATED_SPEC} for hosts: the placement checks a host spec when it is built. */
const NEVER_OPENED_HOST = {
  type: 'business-critical',
  memory: '2GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
} as const;

/**
 * The store as a provisioner that only deletes sees it: of the hosts, only
 * the ready ones (whose slots a delete gives back), so the hosts' upkeep
 * finds no pending host to open and no starting one to follow; and claiming
 * a host fails.
 */
function deleteOnlyStore(store: PostgresCredentialStore): CredentialStore & HostStore {
  return {
    get: (userId) => store.get(userId),
    claim: (record) => store.claim(record),
    update: (userId, version, patch) => store.update(userId, version, patch),
    delete: (userId, version) => store.delete(userId, version),
    list: (query) => store.list(query),
    getHost: (hostName) => store.getHost(hostName),
    updateHost: (hostName, version, patch) => store.updateHost(hostName, version, patch),
    deleteHost: (hostName, version) => store.deleteHost(hostName, version),
    listHosts: async () => (await store.listHosts()).filter((host) => host.status === 'ready'),
    claimHost: async () => {
      throw new Error('a provisioner that only deletes opens no host');
    },
  };
}

/**
 * A provisioner for `deprovision`, without the instance settings. Only
 * `deprovisionUserDatabase` may be called on it; nothing else runs by itself:
 * scheduled work is dropped and the reconcile timer (which could retry a
 * create) is off, so the placeholder spec never reaches Aura.
 *
 * With `organizationId` (a user whose database is on a host) it has the
 * `database-per-user` placement, so the user's database is deleted and its
 * slot given back; it keeps no warm slots and sees only the ready hosts, so
 * it never opens one.
 */
export function openDeprovisioner(
  config: Pick<CliConfig, 'aura'>,
  parts: { aura: AuraClient; store: PostgresCredentialStore; cipher: CredentialCipher },
  organizationId?: string,
): Pick<Provisioner, 'deprovisionUserDatabase' | 'close'> {
  const common = {
    ...parts,
    instanceNamePrefix: config.aura.instancePrefix,
    scheduler: idleScheduler,
    reconcileIntervalMs: 0,
  };
  if (organizationId === undefined) {
    return createProvisioner({
      ...common,
      instance: { ...NEVER_CREATED_SPEC, tenantId: config.aura.tenantId },
    });
  }
  return createProvisioner({
    ...common,
    store: deleteOnlyStore(parts.store),
    placement: {
      kind: 'database-per-user',
      host: { ...NEVER_OPENED_HOST, organizationId, projectId: config.aura.tenantId },
      warmSlots: 0,
    },
  });
}
