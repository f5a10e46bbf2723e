import type { Command, FlagDefinition } from './command.js';
import { SETTINGS } from './settings.js';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flag a `parseArgs` message names: `'--foo'`, `'-x'`, or `'-y, --yes'` (the long one). */
function flagNamed(message: string): string | undefined {
  const quoted = /'(-[^'\s,]*)(?:, (--[^'\s]+))?/.exec(message);
  return quoted?.[2] ?? quoted?.[1];
}

function unknownFlag(flag: string, command: Command | undefined, commands: readonly Command[]) {
  const secret = SETTINGS.find((def) => def.secret && flag === `--${kebab(def.name)}`);
  if (secret) {
    return `${flag} is not a flag: secrets have none, since flags land in shell history and process lists; set ${secret.env} instead`;
  }
  const name = flag.replace(/^--?/, '');
  const owners = commands.filter((c) => c !== command && Object.hasOwn(c.flags, name));
  const where = command ? ` of ${command.name}` : '';
  const owned = owners.length > 0 ? ` (${owners.map((c) => c.name).join(' and ')} take it)` : '';
  return `${flag} is not a flag${where}${owned}`;
}

function valueProblem(flag: string, message: string, definition: FlagDefinition | undefined) {
  if (/does not take an argument/.test(message)) return `${flag} takes no value`;
  const value = definition?.value ?? '<value>';
  return `${flag} needs a value: ${flag} ${value} (a value starting with "-" is written ${flag}=${value})`;
}

/**
 * Our message for an error of `node:util` `parseArgs` (whose own text tells
 * the user to put positionals after `--`): the flag, what is wrong with it,
 * and the help that lists the command's flags. Pure.
 *
 * @example
 * ```ts
 * parseErrorMessage(error, { command: listCommand, commands: COMMANDS, flags: flagsOf(listCommand) });
 * // '--statuss is not a flag of list (see `aura-provisioner list --help`)'
 * ```
 */
export function parseErrorMessage(
  error: unknown,
  line: {
    /** The command typed, if it is one. */
    command: Command | undefined;
    commands: readonly Command[];
    /** The flags the strict pass accepted. */
    flags: Readonly<Record<string, FlagDefinition>>;
  },
): string {
  const { command, commands } = line;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const help = command ? `aura-provisioner ${command.name} --help` : 'aura-provisioner --help';
  const flag = flagNamed(message);
  let problem: string;
  if (flag && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    problem = unknownFlag(flag, command, commands);
  } else if (flag && code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    problem = valueProblem(flag, message, line.flags[flag.replace(/^--?/, '')]);
  } else {
    problem = message.split('\n')[0]?.replace(/\.$/, '') ?? message;
  }
  return `${problem} (see \`${help}\`)`;
}
