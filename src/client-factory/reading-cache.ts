/**
 * A bounded LRU of values by string key (a `Map` in use order): apps repeat
 * the same parameterised statements, so each is read once. Keys longer than
 * `maxKeyLength` are not kept (a statement that large is rarely repeated,
 * and would hold memory the bound does not count).
 */
export class ReadingCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxSize: number;
  readonly #maxKeyLength: number;

  constructor(maxSize: number, maxKeyLength: number) {
    this.#maxSize = maxSize;
    this.#maxKeyLength = maxKeyLength;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, computed by `read` on a miss. */
  get(key: string, read: (key: string) => V): V {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const value = read(key);
    if (key.length <= this.#maxKeyLength) {
      this.#entries.set(key, value);
      if (this.#entries.size > this.#maxSize) {
        this.#entries.delete(this.#entries.keys().next().value as string);
      }
    }
    return value;
  }
}
