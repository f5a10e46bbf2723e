import type * as z from 'zod/mini';
import type { RequestPriority } from './rate-limiter.js';
import type { RetrySafety } from './retry.js';

/** Per-call options every client method takes as its last argument. */
export interface CallOptions {
  /** Aborts the call (and its retries and waits) with an `AuraAbortError`. */
  signal?: AbortSignal;
  /** Time one attempt may take, in ms; overrides the client's `timeout`. */
  timeout?: number;
  /**
   * Place in the rate limiter's queue: `high` goes before queued `normal`
   * calls. The provisioner marks its status reads `high`. Default `normal`.
   */
  priority?: RequestPriority;
}

/** One API call, as the resources describe it. */
export interface ApiCall<S extends z.ZodMiniType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under `/v1`, e.g. `/instances/abc`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Wire (snake_case) JSON body. */
  body?: unknown;
  /** Schema of the whole success body; `undefined` accepts any body (and none). */
  schema: S;
  safety: RetrySafety;
  options?: CallOptions | undefined;
}
