/**
 * The shape every layer's error base shares: a literal `name`, a `code` to
 * switch on, the cause chained, and a `toJSON()` that carries no secret
 * (messages are written without one). Each layer's base adds its own brand,
 * which its guard checks (`isWebhookError`, `isScaleError`, ...).
 *
 * @example
 * ```ts
 * class WidgetError extends CodedError<'broken'> { readonly name = 'WidgetError'; readonly code = 'broken'; }
 * ```
 */
export abstract class CodedError<Code extends string = string> extends Error {
  abstract override readonly name: string;
  abstract readonly code: Code;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}
