import type { CloudProvider, InstanceType } from '../aura/schemas.js';
import {
  databaseCapacityFor,
  type HostSpec,
  PLACEMENT_DEFAULTS,
} from '../provisioning/placement.js';
import { readConfigFile } from './config-file.js';
import { readDatabaseUrl } from './database-url.js';
import { CliUsageError } from './errors.js';
import { type KeyList, keyProblem, parseKeyList } from './key-list.js';
import { problemOf } from './setting-check.js';
import {
  type PlacementKind,
  SETTINGS,
  type SettingDefinition,
  type SettingGroup,
  type SettingName,
  settingNamed,
} from './settings.js';
import { tokenCacheDir } from './token-file-cache.js';

/** The instance types a host may have (v2beta1 multi-database instances). */
export const HOST_TYPES = [
  'business-critical',
  'enterprise-db',
] as const satisfies readonly NonNullable<HostSpec['type']>[];

/** Where a setting's value came from; flags win over the environment, which wins over the file. */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

/** Something wrong with the configuration, attributed to the group it breaks. */
export interface ConfigIssue {
  /** `undefined` for a problem of the config file as a whole. */
  group: SettingGroup | undefined;
  setting: SettingName | undefined;
  message: string;
}

/** The merged settings before any command asks for them. See {@link loadConfig}. */
export interface LoadedConfig {
  values: Partial<Record<SettingName, string>>;
  sources: Partial<Record<SettingName, SettingSource>>;
  issues: ConfigIssue[];
  /** Every secret value (and the database password), for the output to redact. */
  secrets: string[];
  /** Where Aura tokens are cached between commands (`tokenCacheDir`); none: not cached. */
  tokenCacheDir?: string | undefined;
}

/** The settings, checked and typed, by group. */
export interface CliConfig {
  aura: {
    clientId: string;
    clientSecret: string;
    tenantId: string;
    baseUrl: string;
    instancePrefix: string;
    /** The provisioner's `deployment` option (`false` from the value `false`). */
    deployment?: string | false | undefined;
    /** Where the token is cached between commands; none: each command asks for its own. */
    tokenCacheDir?: string | undefined;
  };
  store: { databaseUrl: string; table: string };
  cipher: { keys: KeyList; currentKeyId: string };
  instance: {
    type: InstanceType;
    memory: string;
    region: string;
    cloudProvider: CloudProvider;
    /** The poll policy's `expectedCreationMs`: when the first status read of a create goes. */
    expectedCreationMs: number;
  };
  /** With `database-per-user`, the instance settings are the hosts' spec, in project `tenantId`. */
  placement: {
    kind: PlacementKind;
    /** Set whenever `kind` is `database-per-user`. */
    organizationId: string | undefined;
    maxDatabasesPerHost: number | undefined;
    warmSlots: number | undefined;
    maxHosts: number | undefined;
  };
}

/** Where the settings come from: the flags given, the environment, and a config file path. */
export interface ConfigSources {
  flags: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  configFile: string | undefined;
}

/** How to name a setting in a message: by the source that set it, else by every source. */
export function settingLabel(def: SettingDefinition, source?: SettingSource): string {
  if (source === 'flag') return `--${def.flag}`;
  if (source === 'file') return `${def.name} (config file)`;
  if (source === 'env') return def.env;
  return `${def.env} (or ${def.name} in --config${def.flag ? `, or --${def.flag}` : ''})`;
}

/** The password pg sends, to redact; an unreadable URL is reported by `problemOf`. */
function databasePassword(url: string): string | undefined {
  const reading = readDatabaseUrl(url);
  return reading.ok && reading.url.password !== '' ? reading.url.password : undefined;
}

/** Merges flags, environment, config file and defaults, and checks every value. */
export async function loadConfig(sources: ConfigSources): Promise<LoadedConfig> {
  const file = sources.configFile ? await readConfigFile(sources.configFile) : undefined;
  const loaded: LoadedConfig = {
    values: {},
    sources: {},
    issues: (file?.problems ?? []).map((message) => ({
      group: undefined,
      setting: undefined,
      message,
    })),
    secrets: [],
    tokenCacheDir: tokenCacheDir(sources.env),
  };
  for (const def of SETTINGS) {
    const flag = def.flag ? sources.flags[def.flag] : undefined;
    const env = sources.env[def.env];
    const candidates: [SettingSource, unknown][] = [
      ['flag', flag],
      ['env', env === '' ? undefined : env],
      ['file', file?.values[def.name]],
      ['default', def.fallback],
    ];
    const found = candidates.find(([, value]) => typeof value === 'string');
    if (!found) continue;
    const [source, value] = found as [SettingSource, string];
    loaded.values[def.name] = value;
    loaded.sources[def.name] = source;
    if (def.secret) loaded.secrets.push(value);
    const problem = problemOf(def, value);
    if (problem) {
      const message = `${settingLabel(def, source)} ${problem}`;
      loaded.issues.push({ group: def.group, setting: def.name, message });
    }
  }
  const password = databasePassword(loaded.values.databaseUrl ?? '');
  if (password) loaded.secrets.push(password);
  checkKeys(loaded);
  checkHostSpec(loaded);
  return loaded;
}

/** Whether a setting must be set, under the placement configured. */
export function isRequired(def: SettingDefinition, loaded: LoadedConfig): boolean {
  if (def.need === 'always') return true;
  return def.need === loaded.values.placement;
}

/** With hosts, the instance settings are a host's: its type and the databases its memory allows. */
function checkHostSpec(loaded: LoadedConfig): void {
  if (loaded.values.placement !== 'database-per-user') return;
  const { instanceType, instanceMemory, maxDatabasesPerHost } = loaded.values;
  const because = `${settingNamed('placement').env} is database-per-user`;
  // A value already found invalid on its own is reported once.
  const valid = (name: SettingName) => !loaded.issues.some((issue) => issue.setting === name);
  if (
    instanceType !== undefined &&
    valid('instanceType') &&
    !(HOST_TYPES as readonly string[]).includes(instanceType)
  ) {
    const def = settingNamed('instanceType');
    loaded.issues.push({
      group: 'instance',
      setting: 'instanceType',
      message: `${settingLabel(def, loaded.sources.instanceType)} "${instanceType}" is not a host type (${HOST_TYPES.join(', ')}): ${because}`,
    });
  }
  const allowed = databaseCapacityFor(instanceMemory ?? '');
  const wanted = Number(maxDatabasesPerHost);
  if (allowed !== undefined && valid('maxDatabasesPerHost') && wanted > allowed) {
    const def = settingNamed('maxDatabasesPerHost');
    loaded.issues.push({
      group: 'placement',
      setting: 'maxDatabasesPerHost',
      message: `${settingLabel(def, loaded.sources.maxDatabasesPerHost)} ${wanted} is more than Aura allows on a ${instanceMemory} host (${allowed})`,
    });
  }
}

function checkKeys(loaded: LoadedConfig): void {
  const text = loaded.values.keys;
  if (text === undefined) return;
  const keysDef = settingNamed('keys');
  const label = settingLabel(keysDef, loaded.sources.keys);
  const parsed = parseKeyList(text);
  if (!parsed.ok) {
    loaded.issues.push({
      group: 'cipher',
      setting: 'keys',
      message: `${label}: ${parsed.problem}`,
    });
    return;
  }
  loaded.secrets.push(...Object.values(parsed.keys));
  const ids = Object.keys(parsed.keys);
  const current = loaded.values.currentKey ?? (ids.length === 1 ? ids[0] : undefined);
  if (current === undefined) {
    const currentDef = settingNamed('currentKey');
    loaded.issues.push({
      group: 'cipher',
      setting: 'currentKey',
      message: `${settingLabel(currentDef)} is needed: ${label} holds ${ids.length} keys (${ids.join(', ')}); name the one that encrypts`,
    });
    return;
  }
  const problem = keyProblem(parsed.keys, current);
  if (problem)
    loaded.issues.push({ group: 'cipher', setting: 'keys', message: `${label}: ${problem}` });
}

/** The required settings of these groups that no source sets. */
export function missingSettings(
  loaded: LoadedConfig,
  groups: readonly SettingGroup[],
): SettingDefinition[] {
  return SETTINGS.filter(
    (def) =>
      groups.includes(def.group) &&
      isRequired(def, loaded) &&
      loaded.values[def.name] === undefined,
  );
}

/** Whether these settings are all set and valid. */
export function settingsUsable(loaded: LoadedConfig, names: readonly SettingName[]): boolean {
  return names.every(
    (name) =>
      (!isRequired(settingNamed(name), loaded) || loaded.values[name] !== undefined) &&
      !loaded.issues.some((issue) => issue.setting === name),
  );
}

/** What is missing or wrong for these groups, as messages. */
export function configProblems(loaded: LoadedConfig, groups: readonly SettingGroup[]): string[] {
  const problems = loaded.issues
    .filter((issue) => issue.group === undefined || groups.includes(issue.group))
    .map((issue) => issue.message);
  const missing = missingSettings(loaded, groups);
  return [...missing.map((def) => `${settingLabel(def)} is not set`), ...problems];
}

/**
 * The settings of these groups, checked and typed; throws a {@link CliUsageError}
 * naming every missing or invalid setting otherwise.
 */
export function requireConfig<G extends SettingGroup>(
  loaded: LoadedConfig,
  groups: readonly G[],
): Pick<CliConfig, G> {
  const problems = configProblems(loaded, groups);
  if (problems.length > 0) {
    throw new CliUsageError(
      `The configuration is incomplete or invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet these in the environment or in a --config file; \`aura-provisioner doctor\` checks them.`,
      'configuration',
    );
  }
  return buildConfig(loaded);
}

/**
 * One setting's value, checked; throws a {@link CliUsageError} saying it is
 * missing or invalid, and `why` it is needed, otherwise. For a setting that
 * only some cases need (the organization, for a user on a host).
 */
export function requireSetting(loaded: LoadedConfig, name: SettingName, why: string): string {
  const value = loaded.values[name];
  const issue = loaded.issues.find((i) => i.setting === name);
  if (value !== undefined && !issue) return value;
  const problem = issue?.message ?? `${settingLabel(settingNamed(name))} is not set`;
  throw new CliUsageError(`${problem}: ${why}`, 'configuration');
}

/**
 * The settings as typed groups, unchecked: callers make sure the settings they
 * read are usable first ({@link requireConfig}, {@link settingsUsable}).
 */
export function buildConfig(loaded: LoadedConfig): CliConfig {
  const v = loaded.values as Record<SettingName, string>;
  const parsed = v.keys === undefined ? undefined : parseKeyList(v.keys);
  const keys = parsed?.ok ? parsed.keys : {};
  const hosted = v.placement === 'database-per-user';
  return {
    aura: {
      clientId: v.clientId,
      clientSecret: v.clientSecret,
      tenantId: v.tenantId,
      baseUrl: v.baseUrl,
      instancePrefix: v.instancePrefix,
      deployment: v.deployment === 'false' ? false : v.deployment,
      tokenCacheDir: loaded.tokenCacheDir,
    },
    store: { databaseUrl: v.databaseUrl, table: v.table },
    cipher: { keys, currentKeyId: v.currentKey ?? Object.keys(keys)[0] ?? '' },
    instance: {
      type: (v.instanceType ?? (hosted ? PLACEMENT_DEFAULTS.hostType : undefined)) as InstanceType,
      memory: v.instanceMemory,
      region: v.instanceRegion,
      cloudProvider: v.instanceCloudProvider as CloudProvider,
      expectedCreationMs: Number(v.expectedCreationMs),
    },
    placement: {
      kind: v.placement as PlacementKind,
      organizationId: v.organizationId,
      maxDatabasesPerHost: optionalNumber(v.maxDatabasesPerHost),
      warmSlots: optionalNumber(v.warmSlots),
      maxHosts: optionalNumber(v.maxHosts),
    },
  };
}

const optionalNumber = (value: string | undefined) =>
  value === undefined ? undefined : Number(value);
