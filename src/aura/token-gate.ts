import type { Clock } from '../kernel/clock.js';
import type { AuraError } from './errors/base.js';
import type { RateLimiter } from './rate-limiter.js';
import { retryDelay } from './retry.js';

/** Back-off of the token endpoint after a 429 without Retry-After. */
export interface TokenBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Stands before the token endpoint, for every call of a client: each token
 * request takes a slot of the token budget (15 an hour by default), and after
 * a 429 no token request leaves until the pause is over (Retry-After, or an
 * exponential back-off with jitter that grows with each 429 in a row). A call
 * that would wait longer than `maxWaitMs` fails at once with the 429 instead,
 * without asking Aura again.
 */
export class TokenGate {
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #budget: RateLimiter;
  readonly #backoff: TokenBackoff;
  readonly #maxWaitMs: number;
  #pausedUntil = 0;
  #strikes = 0;
  #refusal: AuraError | undefined;

  constructor(
    clock: Clock,
    random: () => number,
    budget: RateLimiter,
    backoff: TokenBackoff,
    maxWaitMs: number,
  ) {
    this.#clock = clock;
    this.#random = random;
    this.#budget = budget;
    this.#backoff = backoff;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Waits out a pause (or throws the 429 behind it) and takes a slot of the token budget. */
  async enter(): Promise<void> {
    const waitMs = this.#pausedUntil - this.#clock.now();
    if (waitMs > this.#maxWaitMs && this.#refusal) throw this.#refusal;
    if (waitMs > 0) await this.#clock.sleep(waitMs);
    await this.#budget.acquire();
  }

  /** The token endpoint answered 429: pauses every token request; returns the pause in ms. */
  refused(error: AuraError, retryAfterMs: number | undefined): number {
    const strikes = this.#strikes++;
    const pauseMs = retryAfterMs ?? retryDelay(strikes, undefined, this.#random, this.#backoff);
    this.#pausedUntil = this.#clock.now() + pauseMs;
    this.#refusal = error;
    return pauseMs;
  }

  /** A token was issued: the next 429 starts the back-off from the beginning. */
  granted(): void {
    this.#strikes = 0;
  }
}
