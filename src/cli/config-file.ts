import { readFile } from 'node:fs/promises';
import { SETTINGS, type SettingName } from './settings.js';

/** What a config file gave: the settings it sets, and what is wrong with it. */
export interface ConfigFileContent {
  values: Partial<Record<SettingName, string>>;
  problems: string[];
}

const NAMES = new Set<string>(SETTINGS.map((s) => s.name));
/** Settings that are numbers, which the file may also give as JSON numbers. */
const NUMBERS = new Set<SettingName>([
  'expectedCreationMs',
  'maxDatabasesPerHost',
  'warmSlots',
  'maxHosts',
]);

/** A setting's value as the file gives it, in the string form the other sources have. */
function textOf(name: SettingName, value: unknown): string | undefined {
  if (name === 'keys') return keysValue(value);
  if (typeof value === 'string') return value;
  return NUMBERS.has(name) && typeof value === 'number' ? String(value) : undefined;
}

/** `clientSecret` for `AURA_CLIENT_SECRET`, `client_secret` or `ClientSecret`. */
function suggestion(key: string): string | undefined {
  const folded = key.toLowerCase().replace(/[_-]/g, '');
  const match = SETTINGS.find(
    (s) =>
      s.env === key || s.name.toLowerCase() === folded || `aura${s.name.toLowerCase()}` === folded,
  );
  return match?.name;
}

/** `keys` may be `"k1=...,k2=..."` or `{ "k1": "...", "k2": "..." }`; both become the string form. */
function keysValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([, key]) => typeof key === 'string')) return undefined;
  return entries.map(([id, key]) => `${id}=${key as string}`).join(',');
}

/**
 * Checks the parsed JSON of a config file: an object whose keys are setting
 * names (camelCase) with string values (or numbers, for the numeric ones). Unknown keys are problems, with a
 * suggestion, so a typo does not silently fall back to a default. Values are
 * never quoted: the file may hold secrets.
 *
 * @example
 * ```ts
 * readConfigObject({ clientId: 'abc', tenant: 't1' }, 'aura.json').problems;
 * // ['aura.json: unknown setting "tenant" (did you mean "tenantId"?)']
 * ```
 */
export function readConfigObject(json: unknown, label: string): ConfigFileContent {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { values: {}, problems: [`${label}: expected a JSON object of settings`] };
  }
  const values: Partial<Record<SettingName, string>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (!NAMES.has(key)) {
      const hint = suggestion(key);
      problems.push(
        `${label}: unknown setting "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
      continue;
    }
    const name = key as SettingName;
    const text = textOf(name, value);
    if (text === undefined) {
      const expected =
        name === 'keys'
          ? 'a string or an object of strings'
          : NUMBERS.has(name)
            ? 'a number or a string'
            : 'a string';
      problems.push(`${label}: "${key}" must be ${expected}`);
      continue;
    }
    values[name] = text;
  }
  return { values, problems };
}

/** Reads and checks a JSON config file. A missing or malformed file is a problem, not a throw. */
export async function readConfigFile(path: string): Promise<ConfigFileContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    return { values: {}, problems: [`config file ${path} cannot be read (${code})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message can quote the text around the error, and the text may hold secrets.
    return { values: {}, problems: [`config file ${path} is not valid JSON`] };
  }
  return readConfigObject(json, `config file ${path}`);
}
