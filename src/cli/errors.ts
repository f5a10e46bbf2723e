import { isAuraError } from '../aura/errors/base.js';
import { isProvisioningError } from '../records/errors.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** What a failure is, for scripts (`--json` prints it as `error.code`). */
export type CliErrorCode =
  | 'usage'
  | 'configuration'
  | 'not_found'
  | 'aura_unavailable'
  | 'aura_credentials'
  | 'store_unavailable'
  | 'app_unavailable'
  | 'cipher'
  | 'provisioning'
  | 'internal';

/**
 * A usage or configuration error found before anything was contacted: exit
 * code 2. The message says what to fix.
 *
 * @example
 * ```ts
 * throw new CliUsageError('status needs a user id: aura-provisioner status <userId>');
 * ```
 */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError' as const;
  readonly code: 'usage' | 'configuration';

  constructor(message: string, code: 'usage' | 'configuration' = 'usage') {
    super(message);
    this.code = code;
  }
}

/** A failure as the CLI reports it: the exit code, a code for scripts, a message without secrets. */
export interface CliFailure {
  exitCode: ExitCode;
  code: CliErrorCode;
  message: string;
}

const AURA_CREDENTIALS = new Set(['authentication', 'permission']);

/**
 * Classifies any thrown value. Library errors carry no secrets in their
 * messages; anything else (a bug) is reported by name and message only,
 * and the output redacts known secrets on top.
 *
 * @example
 * ```ts
 * toFailure(new CliUsageError('unknown command "stats"')).exitCode; // 2
 * ```
 */
export function toFailure(error: unknown): CliFailure {
  if (error instanceof CliUsageError) {
    return { exitCode: EXIT_CODES.usage, code: error.code, message: error.message };
  }
  const parseCode = (error as { code?: unknown } | null)?.code;
  if (typeof parseCode === 'string' && parseCode.startsWith('ERR_PARSE_ARGS_')) {
    return { exitCode: EXIT_CODES.usage, code: 'usage', message: (error as Error).message };
  }
  if (isAuraError(error)) {
    if (error.code === 'invalid_configuration') {
      return { exitCode: EXIT_CODES.usage, code: 'configuration', message: error.message };
    }
    const credentials = AURA_CREDENTIALS.has(error.code);
    const hint = credentials
      ? ' Check AURA_CLIENT_ID and AURA_CLIENT_SECRET (`aura-provisioner doctor`).'
      : '';
    return {
      exitCode: EXIT_CODES.unavailable,
      code: credentials ? 'aura_credentials' : 'aura_unavailable',
      message: `${error.message}${hint}`,
    };
  }
  if (isProvisioningError(error)) {
    switch (error.code) {
      case 'invalid_configuration':
        return { exitCode: EXIT_CODES.usage, code: 'configuration', message: error.message };
      case 'store_failure':
        return {
          exitCode: EXIT_CODES.unavailable,
          code: 'store_unavailable',
          message: error.message,
        };
      case 'cipher_failure':
        return { exitCode: EXIT_CODES.problems, code: 'cipher', message: error.message };
      case 'not_found':
        return { exitCode: EXIT_CODES.notFound, code: 'not_found', message: error.message };
      default:
        return { exitCode: EXIT_CODES.problems, code: 'provisioning', message: error.message };
    }
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: EXIT_CODES.internal,
    code: 'internal',
    message: `Unexpected ${name}: ${message}`,
  };
}
