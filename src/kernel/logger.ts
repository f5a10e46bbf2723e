/**
 * Where the SDK reports what it does. Every method is optional; the default
 * logger is silent. Fields never carry a secret (no token, client secret or
 * instance password), so a logger may print them as they are.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug: (msg, fields) => console.debug(msg, fields) };
 * ```
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {};
