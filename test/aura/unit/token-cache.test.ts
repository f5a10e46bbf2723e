import { describe, expect, it } from 'vitest';
import { AuraRateLimitError } from '../../../src/aura/errors/http.js';
import { type AccessToken, type TokenCache, TokenProvider } from '../../../src/aura/token.js';
import { createTestClock, type TestClock } from '../../../src/testing/test-clock.js';

const HOUR = 3_600_000;
const MARGIN = 60_000;
const SPREAD = 300_000;

/** A cache in memory whose `update` holds a lock, as a shared cache does across processes. */
function lockedCache() {
  const tokens = new Map<string, AccessToken>();
  let lock: Promise<unknown> = Promise.resolve();
  const cache: TokenCache = {
    get: async (key) => tokens.get(key),
    update(key, refresh) {
      const run = lock.then(async () => {
        const token = await refresh(tokens.get(key));
        tokens.set(key, token);
        return token;
      });
      lock = run.catch(() => {});
      return run;
    },
  };
  return { cache, tokens };
}

/** A token endpoint on `clock` that counts its requests; each answer takes a second. */
function endpoint(clock: TestClock) {
  const requests: number[] = [];
  return {
    requests,
    fetchToken: async (): Promise<AccessToken> => {
      requests.push(clock.now());
      await clock.sleep(1_000);
      return { value: `t${requests.length}-eyJabc`, expiresAt: clock.now() + HOUR };
    },
  };
}

const provider = (
  clock: TestClock,
  fetchToken: () => Promise<AccessToken>,
  cache: TokenCache | undefined,
  jitterMs = 0,
) => new TokenProvider({ fetchToken, clock, marginMs: MARGIN, jitterMs, cache, key: 'id@origin' });

describe('TokenProvider with a TokenCache', () => {
  it('takes a valid token from the cache without asking Aura', async () => {
    const clock = createTestClock({ start: 0 });
    const { cache, tokens } = lockedCache();
    tokens.set('id@origin', { value: 'shared-token', expiresAt: HOUR });
    const aura = endpoint(clock);
    const token = await provider(clock, aura.fetchToken, cache).get();
    expect(token.value).toBe('shared-token');
    expect(aura.requests).toEqual([]);
  });

  it('lets 16 clients over 3 hours ask Aura once an hour, refreshes spread by their jitter', async () => {
    const clock = createTestClock({ start: 0 });
    const { cache } = lockedCache();
    const aura = endpoint(clock);
    const clients = Array.from({ length: 16 }, (_, i) =>
      provider(clock, aura.fetchToken, cache, (i / 16) * SPREAD),
    );
    const served: string[] = [];
    for (let minute = 0; minute < 180; minute++) {
      for (const client of clients) void client.get().then((token) => served.push(token.value));
      await clock.advance(60_000);
    }
    expect(served).toHaveLength(16 * 180);
    // One at the start, then one a token's lifetime later, by the client whose jitter is due
    // first (each token is refreshed a few minutes early, so a fourth falls within 3 hours).
    expect(aura.requests).toHaveLength(4);
    const gaps = aura.requests.slice(1).map((at, i) => at - (aura.requests[i] as number));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(HOUR - MARGIN - SPREAD);
      expect(gap).toBeLessThan(HOUR - MARGIN);
    }
  });

  it('asks Aura again when the cache holds the token Aura refused as spent', async () => {
    const clock = createTestClock({ start: 0 });
    const { cache } = lockedCache();
    const aura = endpoint(clock);
    const a = provider(clock, aura.fetchToken, cache);
    const b = provider(clock, aura.fetchToken, cache);
    const first = await clock.runUntil(a.get());
    await b.get();
    a.invalidate(first.value);
    const second = await clock.runUntil(a.get());
    expect(second.value).not.toBe(first.value);
    // b refuses it too (say its 403 came a moment later): it takes a's new token, no third request.
    b.invalidate(first.value);
    expect((await b.get()).value).toBe(second.value);
    expect(aura.requests).toHaveLength(2);
  });

  it('asks Aura itself when the cache fails, and keeps serving calls', async () => {
    const clock = createTestClock({ start: 0 });
    const broken: TokenCache = {
      get: async () => {
        throw new Error('database down');
      },
      update: async () => {
        throw new Error('database down');
      },
    };
    const aura = endpoint(clock);
    const warnings: string[] = [];
    const logger = {
      warn: (message: string, fields?: object) =>
        warnings.push(`${message} ${JSON.stringify(fields)}`),
    };
    const withLogger = new TokenProvider({
      fetchToken: aura.fetchToken,
      clock,
      marginMs: MARGIN,
      jitterMs: 0,
      cache: broken,
      key: 'id@origin',
      logger,
    });
    const token = await clock.runUntil(withLogger.get());
    expect(token.value).toBe('t1-eyJabc');
    expect(warnings).toEqual([
      'aura token cache failed; asking Aura {"error":"Error: database down"}',
    ]);
  });

  it('passes on a 429 the cache answers for another process, without asking Aura', async () => {
    const clock = createTestClock({ start: 0 });
    const refusal = new AuraRateLimitError({
      status: 429,
      request: { method: 'POST', path: '/oauth/token' },
      body: { message: 'refused', errors: [] },
      retryAfterMs: 600_000,
    });
    const held: TokenCache = {
      get: async () => undefined,
      update: async () => {
        throw refusal;
      },
    };
    const aura = endpoint(clock);
    await expect(provider(clock, aura.fetchToken, held).get()).rejects.toBe(refusal);
    expect(aura.requests).toEqual([]);
  });

  it('passes on the refusal of the token request made under the lock, without a second request', async () => {
    const clock = createTestClock({ start: 0 });
    const { cache } = lockedCache();
    let requests = 0;
    const refusal = new Error('429');
    const failing = async (): Promise<AccessToken> => {
      requests++;
      throw refusal;
    };
    await expect(provider(clock, failing, cache).get()).rejects.toBe(refusal);
    expect(requests).toBe(1);
  });
});
