import type { CloudProvider, InstanceType } from '../aura/schemas.js';
import { readConfigFile } from './config-file.js';
import { readDatabaseUrl } from './database-url.js';
import { CliUsageError } from './errors.js';
import { type KeyList, keyProblem, parseKeyList } from './key-list.js';
import { problemOf } from './setting-check.js';
import {
  SETTINGS,
  type SettingDefinition,
  type SettingGroup,
  type SettingName,
  settingNamed,
} from './settings.js';

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
}

/** The settings, checked and typed, by group. */
export interface CliConfig {
  aura: {
    clientId: string;
    clientSecret: string;
    tenantId: string;
    baseUrl: string;
    instancePrefix: string;
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
  return loaded;
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
  // The current key may be left out when there is one key; checkKeys says when it may not.
  return SETTINGS.filter(
    (def) =>
      groups.includes(def.group) &&
      def.name !== 'currentKey' &&
      loaded.values[def.name] === undefined,
  );
}

/** Whether these settings are all set and valid. */
export function settingsUsable(loaded: LoadedConfig, names: readonly SettingName[]): boolean {
  return names.every(
    (name) =>
      (name === 'currentKey' || loaded.values[name] !== undefined) &&
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
 * The settings as typed groups, unchecked: callers make sure the settings they
 * read are usable first ({@link requireConfig}, {@link settingsUsable}).
 */
export function buildConfig(loaded: LoadedConfig): CliConfig {
  const v = loaded.values as Record<SettingName, string>;
  const parsed = v.keys === undefined ? undefined : parseKeyList(v.keys);
  const keys = parsed?.ok ? parsed.keys : {};
  return {
    aura: {
      clientId: v.clientId,
      clientSecret: v.clientSecret,
      tenantId: v.tenantId,
      baseUrl: v.baseUrl,
      instancePrefix: v.instancePrefix,
    },
    store: { databaseUrl: v.databaseUrl, table: v.table },
    cipher: { keys, currentKeyId: v.currentKey ?? Object.keys(keys)[0] ?? '' },
    instance: {
      type: v.instanceType as InstanceType,
      memory: v.instanceMemory,
      region: v.instanceRegion,
      cloudProvider: v.instanceCloudProvider as CloudProvider,
      expectedCreationMs: Number(v.expectedCreationMs),
    },
  };
}
