import type { Clock } from '../kernel/clock.js';
import type { AuraError } from './errors/base.js';
import type { RateLimiter } from './rate-limiter.js';
import { retryDelay } from './retry.js';

/** Back-off of the token endpoint after a 429 without Retry-After. */
export interface TokenBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Stands before the token endpoint: see {@link createTokenGate}. */
export interface TokenGate {
  /** Waits out a pause (or throws the 429 behind it) and takes a slot of the token budget. */
  enter(): Promise<void>;
  /** The token endpoint answered 429: pauses every token request; returns the pause in ms. */
  refused(error: AuraError, retryAfterMs: number | undefined): number;
  /** A token was issued: the next 429 starts the back-off from the beginning. */
  granted(): void;
}

/**
 * Stands before the token endpoint, for every call of a client: each token
 * request takes a slot of the token budget (15 an hour by default), and after
 * a 429 no token request leaves until the pause is over (Retry-After, or an
 * exponential back-off with jitter that grows with each 429 in a row). A call
 * that would wait longer than `maxWaitMs` fails at once with the 429 instead,
 * without asking Aura again.
 *
 * @example
 * ```ts
 * const gate = createTokenGate(clock, Math.random, budget, AURA_DEFAULTS.token.backoff, 60_000);
 * await gate.enter(); // then send the token request
 * ```
 */
export function createTokenGate(
  clock: Clock,
  random: () => number,
  budget: RateLimiter,
  backoff: TokenBackoff,
  maxWaitMs: number,
): TokenGate {
  let pausedUntil = 0;
  let strikes = 0;
  let refusal: AuraError | undefined;
  return {
    async enter() {
      const waitMs = pausedUntil - clock.now();
      if (waitMs > maxWaitMs && refusal) throw refusal;
      if (waitMs > 0) await clock.sleep(waitMs);
      await budget.acquire();
    },
    refused(error, retryAfterMs) {
      const strike = strikes++;
      const pauseMs = retryAfterMs ?? retryDelay(strike, undefined, random, backoff);
      pausedUntil = clock.now() + pauseMs;
      refusal = error;
      return pauseMs;
    },
    granted() {
      strikes = 0;
    },
  };
}
