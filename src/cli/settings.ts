import { PROVISIONING_DEFAULTS } from '../provisioning/defaults.js';

/**
 * The settings of the CLI, declared once as data: the environment variable,
 * the config file key and the flag of each, what it is needed for, and
 * whether it is a secret (never printed, never taken as a flag, since flags
 * end up in shell history and process lists).
 */

/** What a setting serves; a command needs some of these groups. */
export type SettingGroup = 'aura' | 'store' | 'cipher' | 'instance' | 'placement';

/** The values of `AURA_PLACEMENT`: where each user's database goes. */
export const PLACEMENTS = ['instance-per-user', 'database-per-user'] as const;

/** One of {@link PLACEMENTS}. */
export type PlacementKind = (typeof PLACEMENTS)[number];

/** The name of a setting, as the config file spells it. */
export type SettingName =
  | 'clientId'
  | 'clientSecret'
  | 'tenantId'
  | 'baseUrl'
  | 'databaseUrl'
  | 'table'
  | 'keys'
  | 'currentKey'
  | 'instanceType'
  | 'instanceMemory'
  | 'instanceRegion'
  | 'instanceCloudProvider'
  | 'expectedCreationMs'
  | 'instancePrefix'
  | 'deployment'
  | 'placement'
  | 'organizationId'
  | 'maxDatabasesPerHost'
  | 'warmSlots'
  | 'maxHosts';

/**
 * When a setting without a fallback must be set: always, never, or only
 * under one placement (the organization only for hosts, the instance type
 * only for an instance per user: a host's type has a default).
 */
export type SettingNeed = 'always' | 'optional' | PlacementKind;

/** One setting: where it comes from and what it is for. */
export interface SettingDefinition {
  name: SettingName;
  env: string;
  /** The flag that overrides it; secrets have none. */
  flag: string | undefined;
  group: SettingGroup;
  /** Applied when no source sets it; required settings have none. */
  fallback: string | undefined;
  secret: boolean;
  /** When it must be set; settings with a fallback are always set. */
  need: SettingNeed;
  description: string;
}

const setting = (
  name: SettingName,
  env: string,
  group: SettingGroup,
  description: string,
  extra: { flag?: string; fallback?: string; secret?: boolean; need?: SettingNeed } = {},
): SettingDefinition => ({
  name,
  env,
  group,
  description,
  flag: extra.flag,
  fallback: extra.fallback,
  secret: extra.secret ?? false,
  need: extra.need ?? 'always',
});

/** Every setting, in the order help and `doctor` show them. */
export const SETTINGS: readonly SettingDefinition[] = [
  setting('clientId', 'AURA_CLIENT_ID', 'aura', 'Aura API client id', { flag: 'client-id' }),
  setting('clientSecret', 'AURA_CLIENT_SECRET', 'aura', 'Aura API client secret', {
    secret: true,
  }),
  setting('tenantId', 'AURA_TENANT_ID', 'aura', 'Aura tenant (project) id', { flag: 'tenant-id' }),
  setting('baseUrl', 'AURA_BASE_URL', 'aura', 'Aura API origin', {
    flag: 'base-url',
    fallback: 'https://api.neo4j.io',
  }),
  setting('databaseUrl', 'DATABASE_URL', 'store', 'PostgreSQL connection string of the store', {
    secret: true,
  }),
  setting('table', 'AURA_PROVISIONER_TABLE', 'store', 'Store table, `table` or `schema.table`', {
    flag: 'table',
    fallback: 'user_databases',
  }),
  setting('keys', 'AURA_PROVISIONER_KEYS', 'cipher', 'Credential keys: `k1=<base64>,k2=<base64>`', {
    secret: true,
  }),
  // Optional when there is one key; `loadConfig` says when it is not.
  setting('currentKey', 'AURA_PROVISIONER_CURRENT_KEY', 'cipher', 'Id of the key that encrypts', {
    flag: 'current-key',
    need: 'optional',
  }),
  setting(
    'instanceType',
    'AURA_INSTANCE_TYPE',
    'instance',
    'Instance type, e.g. professional-db (hosts: business-critical, the default, or enterprise-db)',
    { flag: 'instance-type', need: 'instance-per-user' },
  ),
  setting('instanceMemory', 'AURA_INSTANCE_MEMORY', 'instance', 'Instance memory, e.g. 1GB', {
    flag: 'instance-memory',
  }),
  setting('instanceRegion', 'AURA_INSTANCE_REGION', 'instance', 'Region, e.g. europe-west1', {
    flag: 'instance-region',
  }),
  setting(
    'instanceCloudProvider',
    'AURA_INSTANCE_CLOUD_PROVIDER',
    'instance',
    'gcp, aws or azure',
    {
      flag: 'instance-cloud-provider',
    },
  ),
  // With the spec: only the commands that may create an instance poll one.
  setting(
    'expectedCreationMs',
    'AURA_EXPECTED_CREATION_MS',
    'instance',
    `Expected ms from create to running (the first status read; ${PROVISIONING_DEFAULTS.poll.minIntervalMs / 1000} s at the soonest)`,
    {
      flag: 'expected-creation-ms',
      fallback: String(PROVISIONING_DEFAULTS.poll.expectedCreationMs),
    },
  ),
  // With the Aura group: `orphans` needs it to recognise our instances, not the rest of the spec.
  setting('instancePrefix', 'AURA_INSTANCE_PREFIX', 'aura', 'Instance name prefix', {
    flag: 'prefix',
    fallback: 'ap-',
  }),
  setting(
    'deployment',
    'AURA_DEPLOYMENT',
    'aura',
    "This deployment's name, hashed into the tag its instance names carry (default: the store's table; `false`: untagged, the prefix is ours alone)",
    { flag: 'deployment', need: 'optional' },
  ),
  setting(
    'placement',
    'AURA_PLACEMENT',
    'placement',
    `Where each user's database goes: ${PLACEMENTS.join(' or ')}`,
    {
      flag: 'placement',
      fallback: 'instance-per-user',
    },
  ),
  // The hosts live in the v2 project that is the tenant: AURA_TENANT_ID.
  setting(
    'organizationId',
    'AURA_ORGANIZATION_ID',
    'placement',
    'Aura organization of the hosts (database-per-user)',
    { flag: 'organization-id', need: 'database-per-user' },
  ),
  setting(
    'maxDatabasesPerHost',
    'AURA_MAX_DATABASES_PER_HOST',
    'placement',
    "Databases per host, neo4j counted (database-per-user; default Aura's limit for the memory)",
    { flag: 'max-databases-per-host', need: 'optional' },
  ),
  setting(
    'warmSlots',
    'AURA_WARM_SLOTS',
    'placement',
    'Free slots kept ready ahead of signups (database-per-user; default a quarter of a host)',
    { flag: 'warm-slots', need: 'optional' },
  ),
  setting(
    'maxHosts',
    'AURA_MAX_HOSTS',
    'placement',
    'Hosts open at most, a cap on the bill (database-per-user; default no cap)',
    { flag: 'max-hosts', need: 'optional' },
  ),
];

/** The definition of one setting. */
export function settingNamed(name: SettingName): SettingDefinition {
  return SETTINGS.find((s) => s.name === name) as SettingDefinition;
}
