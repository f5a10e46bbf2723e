import { parseArgs } from 'node:util';
import type { Command, FlagDefinition } from './command.js';
import { CliUsageError } from './errors.js';
import { parseErrorMessage } from './parse-error.js';
import { SETTINGS } from './settings.js';

/** Flags every command takes. */
export const GLOBAL_FLAGS: Readonly<Record<string, FlagDefinition>> = {
  json: { type: 'boolean', description: 'print one JSON document on stdout (for scripts)' },
  config: { type: 'string', value: '<file.json>', description: 'read settings from a JSON file' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/** Flags that override a setting (secrets have none: flags leak into shell history). */
export const SETTING_FLAGS: Readonly<Record<string, FlagDefinition>> = Object.fromEntries(
  SETTINGS.flatMap((def) =>
    def.flag
      ? [
          [
            def.flag,
            { type: 'string', value: '<value>', description: `${def.description} (${def.env})` },
          ],
        ]
      : [],
  ),
);

/** `--version`, taken without a command. */
export const VERSION_FLAG: FlagDefinition = { type: 'boolean', description: 'print the version' };

/** The parsed command line. */
export interface CommandLine {
  /** The command name as typed, if any. */
  name: string | undefined;
  flags: Record<string, string | boolean | string[] | undefined>;
  args: string[];
}

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function toParseOptions(flags: Readonly<Record<string, FlagDefinition>>): ParseOptions {
  return Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [
      name,
      {
        type: flag.type,
        ...(flag.multiple ? { multiple: true } : {}),
        ...(flag.short ? { short: flag.short } : {}),
      },
    ]),
  ) as ParseOptions;
}

/** The flags a command accepts: its own, the global ones and the setting overrides. */
export function flagsOf(command: Command | undefined): Record<string, FlagDefinition> {
  return { ...GLOBAL_FLAGS, ...SETTING_FLAGS, ...command?.flags, version: VERSION_FLAG };
}

/**
 * Parses `argv` (without `node` and the script) in two passes: a lenient one
 * over every command's flags finds the command name wherever the global
 * flags put it, then a strict one with that command's flags rejects unknown
 * flags and bad values (a `CliUsageError` in our words, exit code 2).
 *
 * @example
 * ```ts
 * parseCommandLine(['--json', 'status', 'u1'], COMMANDS);
 * // { name: 'status', flags: { json: true }, args: ['u1'] }
 * ```
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly Command[],
): CommandLine {
  const union = Object.assign({}, ...commands.map(flagsOf)) as Record<string, FlagDefinition>;
  const lenient = parseArgs({
    args: [...argv],
    options: toParseOptions(union),
    allowPositionals: true,
    strict: false,
  });
  const name = lenient.positionals[0];
  const command = commands.find((c) => c.name === name);
  const flags = flagsOf(command);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: toParseOptions(flags),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliUsageError(parseErrorMessage(error, { command, commands, flags }));
  }
  return {
    name,
    flags: parsed.values as CommandLine['flags'],
    args: parsed.positionals.slice(1),
  };
}
