import type { LoadedConfig } from './config.js';
import type { ExitCode } from './exit-codes.js';
import type { CliIo, Output } from './output.js';
import type { SettingGroup } from './settings.js';

/** A flag of a command, as `node:util` `parseArgs` takes it, with its help. */
export interface FlagDefinition {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown in help after the flag: `--wait <seconds>`. */
  value?: string;
  description: string;
}

/** What a command's `run` gets. */
export interface CommandContext {
  /** The parsed flags of this command and the global ones. */
  flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The arguments after the command name. */
  args: readonly string[];
  /** The merged settings; commands take what they need with `requireConfig`. */
  config: LoadedConfig;
  /** The environment the CLI was given, for what is no setting (`dev`'s webhook secrets). */
  env: Readonly<Record<string, string | undefined>>;
  out: Output;
  io: CliIo;
  /** Runs `close` when the command ends, whatever happens (a pool, say). */
  onClose(close: () => Promise<void>): void;
}

/** One command of the CLI: its help, its flags, what settings it needs, and what it does. */
export interface Command {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** `status <userId>`. */
  usage: string;
  /** Paragraphs of help after the usage line; say what exit code 1 means here. */
  description: string;
  flags: Readonly<Record<string, FlagDefinition>>;
  /**
   * The settings groups it needs, and no more: `deprovision` needs no instance
   * spec, `status` only the store. Its help lists them, and its `run` passes the
   * same list to `requireConfig` (`doctor` alone runs without them, to report them).
   */
  needs: readonly SettingGroup[];
  run(context: CommandContext): Promise<ExitCode>;
}
