import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type AccessToken, TokenProvider } from '../../../src/aura/token.js';
import type { Clock } from '../../../src/kernel/clock.js';
import { createTestClock } from '../../../src/testing/test-clock.js';

const HOUR = 3_600_000;
const MARGIN = 60_000;

/** A provider without a cache, whose `value()` gives the token's value. */
function providerOf(fetchToken: () => Promise<AccessToken>, clock: Clock) {
  const provider = new TokenProvider({
    fetchToken,
    clock,
    marginMs: MARGIN,
    jitterMs: 0,
    key: 'k',
  });
  return Object.assign(provider, {
    value: async (signal?: AbortSignal) => (await provider.get(signal)).value,
  });
}

/** A token endpoint the test answers by hand: each fetch waits until `answer` or `fail`. */
function scriptedEndpoint() {
  const pending: { resolve: (token: AccessToken) => void; reject: (error: unknown) => void }[] = [];
  let fetches = 0;
  const fetchToken = () => {
    fetches++;
    return new Promise<AccessToken>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    fetchToken,
    get fetches() {
      return fetches;
    },
    answer(value: string, expiresAt: number) {
      pending.shift()?.resolve({ value, expiresAt });
    },
    fail(error: unknown) {
      pending.shift()?.reject(error);
    },
  };
}

/** A token endpoint that answers at once with `t1`, `t2`, ... valid for an hour. */
function countingEndpoint(clock: { now(): number }) {
  let fetches = 0;
  return {
    fetchToken: async (): Promise<AccessToken> => {
      fetches++;
      return { value: `t${fetches}`, expiresAt: clock.now() + HOUR };
    },
    get fetches() {
      return fetches;
    },
  };
}

describe('TokenProvider', () => {
  it('makes one token request for 1000 concurrent gets', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = scriptedEndpoint();
    const provider = providerOf(endpoint.fetchToken, clock);

    const gets = Array.from({ length: 1000 }, () => provider.value());
    endpoint.answer('t1', HOUR);
    const tokens = await Promise.all(gets);

    expect(endpoint.fetches).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['t1']));
  });

  it('serves the cached token until marginMs before it expires', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = countingEndpoint(clock);
    const provider = providerOf(endpoint.fetchToken, clock);

    expect(await provider.value()).toBe('t1');
    await clock.advance(HOUR - MARGIN - 1);
    expect(await provider.value()).toBe('t1');
    expect(endpoint.fetches).toBe(1);
  });

  it('refreshes marginMs before the token expires, not after', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = countingEndpoint(clock);
    const provider = providerOf(endpoint.fetchToken, clock);

    await provider.value();
    await clock.advance(HOUR - MARGIN);
    expect(await provider.value()).toBe('t2');
    expect(endpoint.fetches).toBe(2);
  });

  it('refreshes after invalidate with the current token', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = countingEndpoint(clock);
    const provider = providerOf(endpoint.fetchToken, clock);

    const current = await provider.value();
    provider.invalidate(current);
    expect(await provider.value()).toBe('t2');
    expect(endpoint.fetches).toBe(2);
  });

  it('keeps the fresh token when invalidate names a stale one', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = countingEndpoint(clock);
    const provider = providerOf(endpoint.fetchToken, clock);

    const stale = await provider.value();
    provider.invalidate(stale);
    await provider.value(); // t2
    provider.invalidate(stale); // a late 401 for a request sent with t1
    expect(await provider.value()).toBe('t2');
    expect(endpoint.fetches).toBe(2);
  });

  it('rejects every waiter when the fetch fails, and fetches again on the next get', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = scriptedEndpoint();
    const provider = providerOf(endpoint.fetchToken, clock);
    const failure = new Error('token endpoint down');

    const waiters = Array.from({ length: 3 }, () => provider.value());
    endpoint.fail(failure);
    for (const outcome of await Promise.allSettled(waiters)) {
      expect(outcome).toEqual({ status: 'rejected', reason: failure });
    }

    const retry = provider.value();
    expect(endpoint.fetches).toBe(2);
    endpoint.answer('t2', HOUR);
    expect(await retry).toBe('t2');
  });

  it('rejects only the aborting caller and lets the shared fetch finish for the others', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = scriptedEndpoint();
    const provider = providerOf(endpoint.fetchToken, clock);
    const controller = new AbortController();
    const reason = new Error('caller gave up');

    const aborting = provider.value(controller.signal);
    const patient = provider.value();
    controller.abort(reason);
    await expect(aborting).rejects.toBe(reason);

    endpoint.answer('t1', HOUR);
    expect(await patient).toBe('t1');
    // The shared fetch was not cancelled: its token is cached.
    expect(await provider.value()).toBe('t1');
    expect(endpoint.fetches).toBe(1);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const clock = createTestClock({ start: 0 });
    const endpoint = countingEndpoint(clock);
    const provider = providerOf(endpoint.fetchToken, clock);
    const reason = new Error('aborted before');
    await expect(provider.value(AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('does not show the token in JSON or inspect output', async () => {
    const clock = createTestClock({ start: 0 });
    const provider = providerOf(
      async () => ({ value: 'eyJ-very-secret-token', expiresAt: HOUR }),
      clock,
    );
    await provider.value();

    expect(JSON.stringify(provider)).not.toContain('eyJ-very-secret-token');
    expect(JSON.stringify(provider)).toBe('{"cached":true}');
    expect(inspect(provider, { depth: 5, showHidden: true })).not.toContain(
      'eyJ-very-secret-token',
    );
  });
});
