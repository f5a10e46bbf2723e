import type * as z from 'zod/mini';
import type { RequestPriority } from './rate-limiter.js';
import type { RetrySafety } from './retry.js';

/** Per-call options every client method takes as its last argument. */
export interface CallOptions {
  /** Aborts the call (and its retries and waits) with an `AuraAbortError`. */
  signal?: AbortSignal;
  /** Time one attempt may take, in ms; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /**
   * Place in the rate limiter's queue: `high` goes before `normal` calls
   * queued earlier, and the two take turns while both wait. The provisioner
   * marks its status reads `high`. Default `normal`.
   */
  priority?: RequestPriority;
  /**
   * Runs before each attempt leaves, after its rate-limit slot and token:
   * the last moment to check that the call is still wanted. If it throws,
   * nothing is sent and the call rejects with that error. The provisioner
   * uses it to renew a create's lease after a long wait in the queue.
   */
  beforeSend?: () => void | Promise<void>;
}

/** The API versions the client speaks: v1, and v2beta1 for projects and multi-database instances. */
export type ApiVersion = 'v1' | 'v2beta1';

/** One API call, as the resources describe it. */
export interface ApiCall<S extends z.ZodMiniType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the version prefix (`/v1` by default), e.g. `/instances/abc`. */
  path: string;
  /** The version prefix the path goes under. Default `v1`. */
  version?: ApiVersion;
  query?: Record<string, string | undefined>;
  /** Wire (snake_case) JSON body. */
  body?: unknown;
  /** Schema of the whole success body; `undefined` accepts any body (and none). */
  schema: S;
  safety: RetrySafety;
  options?: CallOptions | undefined;
}
