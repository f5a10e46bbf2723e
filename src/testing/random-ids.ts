const HEX = '0123456789abcdef';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Aura passwords are 43 characters of base64url.
const PASSWORD_ALPHABET = `${ALPHANUMERIC}-_`;

/** Generators of the opaque strings the fake hands out, all drawn from one `random`. */
export interface IdSource {
  /** 8 hex characters, like `2f49c2b3`. */
  instanceId(): string;
  /** A UUID-shaped id, like `3e5e6e27-bf0a-4898-abb8-5f3050cac418`. */
  snapshotId(): string;
  password(): string;
  accessToken(): string;
  /** Unique for the life of the fake, even with a constant `random`. */
  requestId(): string;
}

/**
 * Creates an {@link IdSource} on `random` (a `Math.random`-like function).
 *
 * @example
 * ```ts
 * const ids = createIdSource(Math.random);
 * ids.instanceId(); // '2f49c2b3'
 * ```
 */
export function createIdSource(random: () => number): IdSource {
  let requests = 0;
  const pick = (alphabet: string, length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      const index = Math.min(alphabet.length - 1, Math.floor(random() * alphabet.length));
      out += alphabet[index];
    }
    return out;
  };
  return {
    instanceId: () => pick(HEX, 8),
    snapshotId: () =>
      [pick(HEX, 8), pick(HEX, 4), `4${pick(HEX, 3)}`, `a${pick(HEX, 3)}`, pick(HEX, 12)].join('-'),
    password: () => pick(PASSWORD_ALPHABET, 43),
    accessToken: () => pick(ALPHANUMERIC, 48),
    // The counter keeps ids unique whatever `random` returns; the format mimics Aura's.
    requestId: () => `${pick(HEX, 32)}/${(++requests).toString().padStart(8, '0')}`,
  };
}

/**
 * Draws ids until one is not taken; falls back to a counter so a constant
 * `random` cannot loop forever.
 *
 * @example
 * ```ts
 * const id = uniqueId(ids.instanceId, (id) => instances.has(id));
 * ```
 */
export function uniqueId(draw: () => string, taken: (id: string) => boolean): string {
  for (let attempt = 0; attempt < 32; attempt++) {
    const id = draw();
    if (!taken(id)) return id;
  }
  for (let n = 0; ; n++) {
    const id = n.toString(16).padStart(8, '0');
    if (!taken(id)) return id;
  }
}
