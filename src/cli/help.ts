import { GLOBAL_FLAGS, SETTING_FLAGS, VERSION_FLAG } from './args.js';
import type { Command, FlagDefinition } from './command.js';
import { EXIT_CODE_HELP } from './exit-codes.js';
import { SETTINGS, type SettingGroup } from './settings.js';

const GROUP_NAMES: Record<SettingGroup, string> = {
  aura: 'Aura API',
  store: 'store',
  cipher: 'credential keys',
  instance: 'instance spec',
  placement: 'placement',
};

function flagLines(flags: Readonly<Record<string, FlagDefinition>>): string[] {
  const entries = Object.entries(flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : '';
    const value = flag.type === 'string' ? ` ${flag.value ?? '<value>'}` : '';
    const many = flag.multiple ? ' (repeatable)' : '';
    return [`${short}--${name}${value}`, `${flag.description}${many}`] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function exitCodeLines(): string[] {
  return EXIT_CODE_HELP.map(([code, meaning]) => `  ${code}  ${meaning}`);
}

/** The help of the whole CLI: commands, settings, exit codes. Pure. */
export function renderMainHelp(commands: readonly Command[]): string {
  // `status <userId>`: the name and its arguments; the flags are in the command's help.
  const synopsis = (c: Command) => c.usage.split(' [')[0] ?? c.name;
  const width = Math.max(...commands.map((c) => synopsis(c).length));
  const envWidth = Math.max(...SETTINGS.map((s) => s.env.length));
  return [
    'Usage: aura-provisioner <command> [flags]',
    '',
    'Operates the Neo4j Aura databases that aura-provisioner gives each user.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${synopsis(c).padEnd(width)}  ${c.summary}`),
    '',
    'Global flags:',
    ...flagLines({ ...GLOBAL_FLAGS, version: VERSION_FLAG }),
    '',
    'Settings (flag > environment > --config file > default; secrets have no flag):',
    ...SETTINGS.map((s) => {
      const extra = [s.flag ? `--${s.flag}` : '', s.fallback ? `default ${s.fallback}` : '']
        .filter(Boolean)
        .join(', ');
      return `  ${s.env.padEnd(envWidth)}  ${s.description}${extra ? ` (${extra})` : ''}; file: ${s.name}`;
    }),
    '',
    'Exit codes:',
    ...exitCodeLines(),
    '',
    'Run `aura-provisioner <command> --help` for the flags of a command.',
    '',
  ].join('\n');
}

/** The help of one command. Pure. */
export function renderCommandHelp(command: Command): string {
  const needs = command.needs.map((g) => GROUP_NAMES[g]).join(', ');
  return [
    `Usage: aura-provisioner ${command.usage}`,
    '',
    command.summary,
    '',
    command.description,
    '',
    ...(Object.keys(command.flags).length > 0 ? ['Flags:', ...flagLines(command.flags), ''] : []),
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    `Settings needed: ${needs || 'none'}. Override with: ${Object.keys(SETTING_FLAGS)
      .map((f) => `--${f}`)
      .join(' ')}`,
    '(see `aura-provisioner --help` for the environment variables)',
    '',
    'Exit codes:',
    ...exitCodeLines(),
    '',
  ].join('\n');
}
