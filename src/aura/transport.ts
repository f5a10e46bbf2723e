import ky, { type KyInstance, type Options } from 'ky';
import type * as z from 'zod/mini';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { ApiCall, CallOptions } from './call.js';
import { createHttpError, type FailedAnswer } from './create-error.js';
import { DEFAULTS, type RetryOptions } from './defaults.js';
import { parseErrorBody } from './error-body.js';
import { type AuraError, describeRequest, type RequestContext } from './errors/base.js';
import { AuraAuthenticationError } from './errors/http.js';
import { AuraAbortError, AuraNetworkError, AuraTimeoutError } from './errors/transport.js';
import { parseBody } from './parse-body.js';
import type { RateLimiter } from './rate-limiter.js';
import { redactSecrets, rememberSecret } from './redact.js';
import { type AttemptFailure, decideRetry, parseRetryAfter } from './retry.js';
import { tokenWire } from './schemas.js';
import { timeLimit } from './time-limit.js';
import { type AccessToken, type TokenCache, TokenProvider } from './token.js';
import { createTokenGate, type TokenGate } from './token-gate.js';
import { isSpentToken } from './token-timing.js';

export interface TransportSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch | undefined;
  clock: Clock;
  random: () => number;
  logger: Logger;
  timeoutMs: number;
  tokenRefreshMarginMs: number;
  retry: Required<RetryOptions>;
  limiter: RateLimiter;
  userAgent: string;
  /** The budget of token requests (15 an hour by default). */
  tokenLimiter: RateLimiter;
  tokenCache: TokenCache | undefined;
}

type Outcome =
  | { response: Response; text: string }
  | { failure: AuraNetworkError | AuraTimeoutError; kind: 'network' | 'timeout' };

/** A failed attempt: the typed error to throw and what retrying needs to know. */
interface Failure {
  error: AuraError;
  attempt: AttemptFailure;
  status: number | undefined;
}

/**
 * Sends calls to Aura: rate limit, token, timeout, retries, error mapping
 * and response validation, in that order, for every call of a client.
 */
export class Transport {
  readonly #settings: Omit<TransportSettings, 'clientSecret'>;
  readonly #basicAuth: string;
  readonly #ky: KyInstance;
  readonly #tokens: TokenProvider;
  readonly #tokenGate: TokenGate;
  readonly #secrets: string[] = [];

  constructor(settings: TransportSettings) {
    const { clientSecret, ...rest } = settings;
    this.#settings = rest;
    const credentials = btoa(`${settings.clientId}:${clientSecret}`);
    this.#basicAuth = `Basic ${credentials}`;
    rememberSecret(this.#secrets, clientSecret);
    rememberSecret(this.#secrets, credentials);
    // Resolve fetch at call time, so a fetch patched after construction (MSW) is used.
    const fetchImpl = settings.fetch;
    this.#ky = ky.create({
      fetch: (input, init) => (fetchImpl ?? globalThis.fetch)(input, init),
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
    });
    const { clock, random, tokenCache } = settings;
    this.#tokenGate = createTokenGate(
      clock,
      random,
      settings.tokenLimiter,
      DEFAULTS.token.backoff,
      settings.retry.maxRetryAfterMs,
    );
    this.#tokens = new TokenProvider({
      fetchToken: () => this.#requestToken(),
      clock,
      marginMs: settings.tokenRefreshMarginMs,
      // Only a shared token needs spreading: each holder of its own refreshes it alone.
      jitterMs: tokenCache ? random() * DEFAULTS.token.refreshSpreadMs : 0,
      cache: tokenCache,
      key: `${settings.clientId}@${settings.baseUrl}`,
      logger: settings.logger,
    });
  }

  /** Makes one API call with everything around it; returns the parsed success body. */
  async call<S extends z.ZodMiniType>(call: ApiCall<S>): Promise<z.output<S>> {
    const { clock, limiter, logger, random, retry } = this.#settings;
    const signal = call.options?.signal;
    const search = new URLSearchParams(
      Object.entries(call.query ?? {}).filter((entry): entry is [string, string] => !!entry[1]),
    ).toString();
    const context: RequestContext = {
      method: call.method,
      path: `/${call.version ?? 'v1'}${call.path}${search ? `?${search}` : ''}`,
    };
    let replayed = false;
    for (let attempt = 0; ; attempt++) {
      context.requestId = undefined;
      // The token first: fetched after the slot, its round trip would send the request late,
      // into a later window than the one the limiter counted it in (a 429 across processes).
      // Asked again after the wait, in case it expired while the call queued.
      await abortable(this.#tokens.get(signal), context, signal);
      await abortable(limiter.acquire(signal, call.options?.priority), context, signal);
      const token = await abortable(this.#tokens.get(signal), context, signal);
      // A token read from a shared cache was never seen here: an error body may echo it too.
      rememberSecret(this.#secrets, token.value);
      await call.options?.beforeSend?.();
      const started = clock.now();
      const outcome = await this.#attempt(context, call.options, {
        method: call.method,
        headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' },
        ...(call.body === undefined ? {} : { json: call.body }),
      });
      const status = 'response' in outcome ? outcome.response.status : undefined;
      logger.debug?.('aura request', { ...context, status, attempt, ms: clock.now() - started });
      if ('text' in outcome && outcome.response.ok) {
        // A create's answer holds the instance password: an error body may echo it later.
        rememberSecret(this.#secrets, PASSWORD.exec(outcome.text)?.[1]);
        return parseBody(call.schema, outcome.text, context);
      }
      const failure = this.#classify(outcome, context, createHttpError);
      const { message } = failure.error;
      const spent = isSpentToken(
        failure.status,
        message,
        token.expiresAt,
        clock.now(),
        DEFAULTS.token.nearExpiryMs,
      );
      if (spent && !replayed) {
        // Aura answers an expired token with 403: drop it and replay once. Any other 403 is a
        // permission error, and a new token (of 15 an hour) would not change it.
        replayed = true;
        attempt--;
        this.#tokens.invalidate(token.value);
        continue;
      }
      const decision = decideRetry(attempt, failure.attempt, call.safety, random, retry);
      if (failure.status === 429) {
        // The account's budget is spent: hold every call of the client, not just this one,
        // for the wait Aura asked for (or, without one, this call's backoff).
        const asked = failure.attempt.kind === 'status' ? failure.attempt.retryAfterMs : undefined;
        const holdMs = asked ?? (decision.retry ? decision.delayMs : 0);
        limiter.pauseUntil?.(clock.now() + holdMs);
        limiter.onRateLimited?.(asked);
      }
      if (!decision.retry) throw failure.error;
      logger.warn?.('aura request retried', {
        ...context,
        reason: failure.error.code,
        status: failure.error.status,
        attempt: attempt + 1,
        delayMs: decision.delayMs,
      });
      await abortable(clock.sleep(decision.delayMs, signal), context, signal);
    }
  }

  /**
   * One fetch of `context.path` (with the User-Agent) and its body, under the attempt timeout
   * and the caller's signal.
   */
  async #attempt(
    context: RequestContext,
    options: CallOptions | undefined,
    init: Options & { headers: Record<string, string> },
  ): Promise<Outcome> {
    const { baseUrl, clock, userAgent } = this.#settings;
    const timeoutMs = options?.timeoutMs ?? this.#settings.timeoutMs;
    const [signal, stopTimer] = timeLimit(
      clock,
      timeoutMs,
      () => new AuraTimeoutError(timeoutMs, { request: context }),
      options?.signal,
    );
    try {
      const response = await this.#ky(`${baseUrl}${context.path}`, {
        ...init,
        headers: { ...init.headers, 'user-agent': userAgent },
        signal,
      });
      const text = await response.text();
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (requestId) context.requestId = requestId;
      return { response, text };
    } catch (thrown) {
      const cause = withoutRequest(thrown);
      // Aborted by the caller after the request left: `request` marks that it was sent.
      if (options?.signal?.aborted) throw new AuraAbortError({ request: context, cause });
      // Not the caller's signal, so the time limit's.
      if (signal.aborted) return { failure: signal.reason, kind: 'timeout' };
      return { failure: new AuraNetworkError({ request: context, cause }), kind: 'network' };
    } finally {
      stopTimer();
    }
  }

  #classify(
    outcome: Outcome,
    context: RequestContext,
    toError: (answer: FailedAnswer) => AuraError,
  ): Failure {
    if ('failure' in outcome) {
      return { error: outcome.failure, attempt: { kind: outcome.kind }, status: undefined };
    }
    const { response, text } = outcome;
    const retryAfterMs = parseRetryAfter(
      response.headers.get('retry-after'),
      this.#settings.clock.now(),
    );
    // An upstream body may echo the credentials or a token: redact the raw text (so the snippet
    // of an unreadable body cannot cut a secret in two), then each string parsed from it (JSON
    // escapes). Strings one by one: a secret ending in `\` must not eat a closing quote.
    const redact = (raw: unknown) =>
      typeof raw === 'string' ? redactSecrets(this.#secrets, raw) : raw;
    const error = toError({
      status: response.status,
      statusText: response.statusText,
      request: { ...context },
      body: JSON.parse(JSON.stringify(parseErrorBody(redact(text) as string)), (_, v) => redact(v)),
      retryAfterMs,
    });
    return {
      error,
      attempt: { kind: 'status', status: response.status, retryAfterMs },
      status: response.status,
    };
  }

  /** `POST /oauth/token` with the client credentials; retried like an idempotent call. */
  async #requestToken(): Promise<AccessToken> {
    const { clock, logger, random, retry } = this.#settings;
    const context: RequestContext = { method: 'POST', path: '/oauth/token' };
    for (let attempt = 0; ; attempt++) {
      await this.#tokenGate.enter();
      const sentAt = clock.now();
      const outcome = await this.#attempt(context, undefined, {
        method: 'POST',
        headers: { authorization: this.#basicAuth },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      if ('text' in outcome && outcome.response.ok) {
        const token = parseBody(tokenWire, outcome.text, context);
        rememberSecret(this.#secrets, token.access_token);
        this.#tokenGate.granted();
        logger.debug?.('aura token issued', { expiresInS: token.expires_in });
        return { value: token.access_token, expiresAt: sentAt + token.expires_in * 1000 };
      }
      const failure = this.#classify(outcome, context, tokenError);
      if (failure.status === 429 && failure.attempt.kind === 'status') {
        // The token endpoint's budget is spent: every call of the client waits (in `enter`).
        const pauseMs = this.#tokenGate.refused(failure.error, failure.attempt.retryAfterMs);
        logger.warn?.('aura token refused', { ...context, status: 429, pauseMs });
        if (attempt >= retry.limit || pauseMs > retry.maxRetryAfterMs) throw failure.error;
        continue;
      }
      const decision = decideRetry(attempt, failure.attempt, 'idempotent', random, retry);
      if (!decision.retry) throw failure.error;
      await clock.sleep(decision.delayMs);
    }
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#settings.baseUrl };
  }
}

/** Awaits `promise`; a rejection caused by the caller's signal becomes an `AuraAbortError`. */
async function abortable<T>(
  promise: Promise<T>,
  context: RequestContext,
  signal: AbortSignal | undefined,
): Promise<T> {
  try {
    return await promise;
  } catch (cause) {
    if (signal?.aborted) throw new AuraAbortError({ what: describeRequest(context), cause });
    throw cause;
  }
}

/**
 * ky's `NetworkError` keeps the `Request`, and with it the `Authorization`
 * header (bearer token, or the client secret on the token request), where
 * `util.inspect` of the cause chain would print it: keep only what it wraps.
 */
function withoutRequest(error: unknown): unknown {
  if (!(error instanceof Error) || !('request' in error)) return error;
  return error.cause ?? new Error(error.message);
}

/** The token endpoint refuses bad credentials with 400, 401 or 403: all mean "check your credentials". */
function tokenError(answer: FailedAnswer): AuraError {
  const refused = answer.status >= 400 && answer.status < 500 && answer.status !== 429;
  return refused ? new AuraAuthenticationError(answer) : createHttpError(answer);
}

const PASSWORD = /"password"\s*:\s*"([^"\\]+)"/;
