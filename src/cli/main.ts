import { VERSION } from '../aura/version.js';
import { parseCommandLine } from './args.js';
import type { Command } from './command.js';
import { deprovisionCommand } from './commands/deprovision.js';
import { devCommand } from './commands/dev.js';
import { doctorCommand } from './commands/doctor.js';
import { hostsCommand } from './commands/hosts.js';
import { listCommand } from './commands/list.js';
import { migrateCommand } from './commands/migrate.js';
import { orphansCommand } from './commands/orphans.js';
import { reconcileCommand } from './commands/reconcile.js';
import { statusCommand } from './commands/status.js';
import { loadConfig } from './config.js';
import { CliUsageError, toFailure } from './errors.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { type CliIo, Output } from './output.js';

export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export type { CliIo, OutputStream } from './output.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  doctorCommand,
  migrateCommand,
  statusCommand,
  listCommand,
  hostsCommand,
  reconcileCommand,
  orphansCommand,
  deprovisionCommand,
  devCommand,
];

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  throw new CliUsageError(
    `unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see \`aura-provisioner --help\`)`,
  );
}

/**
 * The CLI, as a function: parses `argv` (without `node` and the script), reads
 * settings from `env` and an optional `--config` file, runs the command and
 * resolves to its exit code (see `EXIT_CODES`). Writes only through `io`, and
 * never a secret: every known secret is redacted from all output.
 *
 * @example
 * ```ts
 * const code = await main(['status', userId, '--json'], process.env, {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 * });
 * process.exitCode = code;
 * ```
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<ExitCode> {
  // Looked for before parsing, so that even a usage error comes out as JSON.
  const out = new Output(io, argv.includes('--json'));
  const closers: (() => Promise<void>)[] = [];
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.flags.version === true) {
      out.result({ version: VERSION }, () => [VERSION]);
      return EXIT_CODES.ok;
    }
    if (line.name === 'help') {
      const topic = line.args[0];
      io.stdout.write(topic ? renderCommandHelp(findCommand(topic)) : renderMainHelp(COMMANDS));
      return EXIT_CODES.ok;
    }
    if (line.name === undefined) {
      if (line.flags.help === true) {
        io.stdout.write(renderMainHelp(COMMANDS));
        return EXIT_CODES.ok;
      }
      io.stderr.write(renderMainHelp(COMMANDS));
      return EXIT_CODES.usage;
    }
    const command = findCommand(line.name);
    if (line.flags.help === true) {
      io.stdout.write(renderCommandHelp(command));
      return EXIT_CODES.ok;
    }
    const config = await loadConfig({
      flags: line.flags,
      env,
      configFile: line.flags.config as string | undefined,
    });
    out.addSecrets(config.secrets);
    return await command.run({
      flags: line.flags,
      args: line.args,
      config,
      env,
      out,
      io,
      onClose: (close) => {
        closers.push(close);
      },
    });
  } catch (error) {
    const failure = toFailure(error);
    out.failure(failure);
    return failure.exitCode;
  } finally {
    // Last opened, first closed: the provisioner finishes its writes before the pool ends.
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}
