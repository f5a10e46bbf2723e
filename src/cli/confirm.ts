import type { CommandContext } from './command.js';
import { CliUsageError } from './errors.js';

/**
 * Asks before something that cannot be undone. `--yes` answers for scripts;
 * on a terminal the question is asked; anywhere else (a pipe, CI) the
 * command refuses with a usage error, so nothing is deleted by accident.
 * Resolves to whether to go ahead. `question` is asked as given: a question,
 * then what cannot be undone, each a whole sentence.
 *
 * @example
 * ```ts
 * await confirmDestructive(context, `Delete the Aura database of user ${userId}? This cannot be undone.`);
 * // without a terminal: "Refusing without --yes, since there is no terminal to ask:
 * // Delete the Aura database of user u1? This cannot be undone. Add --yes to go ahead."
 * ```
 */
export async function confirmDestructive(
  context: CommandContext,
  question: string,
): Promise<boolean> {
  if (context.flags.yes === true) return true;
  if (!context.io.confirm) {
    // The question is whole sentences ("Delete ...? This cannot be undone."): quoted, not spliced.
    throw new CliUsageError(
      `Refusing without --yes, since there is no terminal to ask: ${question} Add --yes to go ahead.`,
    );
  }
  return context.io.confirm(`${question} [y/N] `);
}
