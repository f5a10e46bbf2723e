const REDACTED = '[REDACTED]';

/**
 * A secret value (an instance password, say) that does not leak by accident:
 * `JSON.stringify`, string conversion and `console.log` all print
 * `[REDACTED]`. Call `reveal()` where the plain value is really needed.
 *
 * @example
 * ```ts
 * const created = await aura.instances.create(spec);
 * await store.save(await cipher.encrypt(created.password.reveal()));
 * JSON.stringify(created); // ... "password":"[REDACTED]" ...
 * ```
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${REDACTED})`;
  }
}
