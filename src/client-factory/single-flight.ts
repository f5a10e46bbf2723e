interface Flight<V> {
  promise: Promise<V>;
  /** Callers sharing this flight. */
  callers: number;
}

/**
 * Keyed single-flight: concurrent calls for one key share one run of
 * `start`. `commit` turns the result into the value all of them get, told
 * how many callers share it (so it can take a lease for each before any of
 * them resumes). `forget(key)` makes the flight in progress stale: its
 * callers get the value of a newer flight, or of a fresh run, never the
 * stale result.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight<string, Entry>();
 * const entry = await flights.run(userId, () => store.get(userId), (record, callers) => cache(record, callers));
 * ```
 */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Flight<V>>();

  run<R>(key: K, start: () => Promise<R>, commit: (result: R, callers: number) => V): Promise<V> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const created = { callers: 0 } as Flight<V>;
      this.#flights.set(key, created);
      created.promise = this.#fly(key, created, start, commit);
      flight = created;
    }
    flight.callers++;
    return flight.promise;
  }

  /** Makes the flight for `key` stale; its callers will not get its result. */
  forget(key: K): void {
    this.#flights.delete(key);
  }

  /** Makes every flight stale. */
  clear(): void {
    this.#flights.clear();
  }

  async #fly<R>(
    key: K,
    flight: Flight<V>,
    start: () => Promise<R>,
    commit: (result: R, callers: number) => V,
  ): Promise<V> {
    try {
      const result = await start();
      if (this.#flights.get(key) !== flight) {
        const newer = this.#flights.get(key);
        if (newer !== undefined) {
          newer.callers += flight.callers;
          return newer.promise;
        }
        this.#flights.set(key, flight);
        return this.#fly(key, flight, start, commit);
      }
      this.#flights.delete(key);
      return commit(result, flight.callers);
    } catch (error) {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
      throw error;
    }
  }
}
