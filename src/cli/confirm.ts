import type { CommandContext } from './command.js';
import { CliUsageError } from './errors.js';

/**
 * Asks before something that cannot be undone. `--yes` answers for scripts;
 * on a terminal the question is asked; anywhere else (a pipe, CI) the
 * command refuses with a usage error, so nothing is deleted by accident.
 * Resolves to whether to go ahead.
 */
export async function confirmDestructive(
  context: CommandContext,
  question: string,
): Promise<boolean> {
  if (context.flags.yes === true) return true;
  if (!context.io.confirm) {
    throw new CliUsageError(
      `${question.replace(/\?$/, '')}: refusing without --yes, since there is no terminal to ask`,
    );
  }
  return context.io.confirm(`${question} [y/N] `);
}
