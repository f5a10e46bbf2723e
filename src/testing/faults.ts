import { AuraMockConfigurationError } from './errors.js';
import { TOKEN_PATH } from './incoming-request.js';
import type { Reply } from './reply.js';
import { defaultErrorReply } from './reply.js';

/**
 * Which requests a fault applies to. `path` is the path below `/v1`
 * (`/instances`, `/instances/2f49c2b3`), a v2beta1 path with its prefix
 * (`/v2beta1/organizations/...`), or `/oauth/token`. Without a `path`, a
 * fault applies to API requests (v1 and v2beta1) only, so the token request a
 * client makes first does not eat it.
 *
 * @example
 * ```ts
 * aura.faults.failNext(1, { status: 503, match: { method: 'GET', path: /^\/instances\// } });
 * ```
 */
export interface FaultMatch {
  method?: string;
  path?: string | RegExp;
}

/**
 * Options of `faults.failNext`.
 *
 * @example
 * ```ts
 * aura.faults.failNext(1, { status: 429, retryAfter: 5, body: { error: 'slow down' } });
 * ```
 */
export interface FailOptions {
  status: number;
  /** Default: the error body the real API sends with that status. */
  body?: unknown;
  /** Sent as `Retry-After` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  match?: FaultMatch;
}

/**
 * `not-json`: a cut-off body; `wrong-shape`: valid JSON that breaks the
 * contract (`{ data: { id: 42 } }`).
 *
 * @example
 * ```ts
 * aura.faults.malformedNext(1, { variant: 'wrong-shape' });
 * ```
 */
export type MalformedVariant = 'not-json' | 'wrong-shape';

/**
 * Injected failures. Each call queues a rule for the next `count` matching
 * requests; rules apply in the order they were queued. Faulted requests are
 * recorded, take no rate-limit slot, and (except `createSucceedsThenTimeout`)
 * change no state.
 *
 * @example
 * ```ts
 * aura.faults.failNext(2, { status: 429, retryAfter: 3 });
 * aura.faults.timeoutNext(1, { match: { method: 'GET' } });
 * ```
 */
export interface AuraMockFaults {
  /** The next `count` matching requests answer `status`. */
  failNext(count: number, options: FailOptions): void;
  /** The next matching requests never answer; they end when the request's signal aborts. */
  timeoutNext(count: number, options?: { match?: FaultMatch }): void;
  /** The next matching requests answer 200/202 with a broken body (default `not-json`). */
  malformedNext(count: number, options?: { match?: FaultMatch; variant?: MalformedVariant }): void;
  /**
   * The next `count` successful creates (202) do their work, then never answer. Default:
   * `POST /v1/instances`; a `match` picks another create, e.g. a v2beta1 database:
   * `{ method: 'POST', path: /^\/v2beta1\/.*\/databases$/ }`.
   */
  createSucceedsThenTimeout(count: number, options?: { match?: FaultMatch }): void;
  /** The next matching requests fail like a network error (connection dropped). */
  dropConnectionNext(count: number, options?: { match?: FaultMatch }): void;
  /** Forgets every queued fault. */
  clear(): void;
  /** Faulted answers still queued, summed over the rules. */
  readonly pending: number;
}

/** What the fake does instead of answering normally. */
export type FaultAction =
  | { kind: 'fail'; reply: Reply }
  | { kind: 'timeout' }
  | { kind: 'drop' }
  | { kind: 'malformed'; variant: MalformedVariant };

type RuleInit = { match: FaultMatch } & (
  | { stage: 'before'; action: FaultAction }
  | { stage: 'after-create' }
);
type Rule = RuleInit & { remaining: number };

/** The fault rules and the public API over them. */
export interface FaultQueue {
  readonly api: AuraMockFaults;
  /** Takes the fault for a request about to be handled, if one matches. */
  takeBefore(method: string, routePath: string): FaultAction | undefined;
  /** Whether a create that answered `status` should now go silent. */
  takeAfterCreate(method: string, routePath: string, status: number): boolean;
}

/**
 * Whether a request matches; without `path`, only `/v1` requests match.
 *
 * @example
 * ```ts
 * matchesFault({ method: 'GET' }, 'get', '/instances'); // true
 * ```
 */
export function matchesFault(match: FaultMatch, method: string, routePath: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) {
    return false;
  }
  if (match.path === undefined) return routePath !== TOKEN_PATH;
  return typeof match.path === 'string' ? match.path === routePath : match.path.test(routePath);
}

/**
 * The status and body of a malformed answer.
 *
 * @example
 * ```ts
 * malformedReply('wrong-shape', 'GET', '/instances'); // 200 { data: { id: 42 } }
 * ```
 */
export function malformedReply(
  variant: MalformedVariant,
  method: string,
  routePath: string,
): Reply {
  const status = routePath !== TOKEN_PATH && ['POST', 'DELETE'].includes(method) ? 202 : 200;
  return variant === 'wrong-shape'
    ? { status, body: { data: { id: 42 } } }
    : { status, rawBody: '{"data":{"id":"2f49c2b3","name":' };
}

/**
 * Creates an empty fault queue.
 *
 * @example
 * ```ts
 * const faults = createFaultQueue();
 * faults.api.failNext(1, { status: 500 });
 * ```
 */
export function createFaultQueue(): FaultQueue {
  let rules: Rule[] = [];
  const push = (count: number, rule: RuleInit) => {
    if (count > 0) rules.push({ ...rule, remaining: count });
  };
  const take = (predicate: (rule: Rule) => boolean): Rule | undefined => {
    const rule = rules.find((r) => r.remaining > 0 && predicate(r));
    if (rule) rule.remaining--;
    rules = rules.filter((r) => r.remaining > 0);
    return rule;
  };

  const api: AuraMockFaults = {
    failNext(count, { status, body, retryAfter, match = {} }) {
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw new AuraMockConfigurationError(
          `failNext: status must be an HTTP status 200-599, got ${status}`,
        );
      }
      const reply: Reply = body === undefined ? defaultErrorReply(status) : { status, body };
      if (retryAfter !== undefined) reply.headers = { 'Retry-After': String(retryAfter) };
      push(count, { stage: 'before', match, action: { kind: 'fail', reply } });
    },
    timeoutNext(count, { match = {} } = {}) {
      push(count, { stage: 'before', match, action: { kind: 'timeout' } });
    },
    malformedNext(count, { match = {}, variant = 'not-json' } = {}) {
      push(count, { stage: 'before', match, action: { kind: 'malformed', variant } });
    },
    createSucceedsThenTimeout(count, { match = { method: 'POST', path: '/instances' } } = {}) {
      push(count, { stage: 'after-create', match });
    },
    dropConnectionNext(count, { match = {} } = {}) {
      push(count, { stage: 'before', match, action: { kind: 'drop' } });
    },
    clear() {
      rules = [];
    },
    get pending() {
      return rules.reduce((sum, r) => sum + r.remaining, 0);
    },
  };

  return {
    api,
    takeBefore(method, routePath) {
      const rule = take((r) => r.stage === 'before' && matchesFault(r.match, method, routePath));
      return rule?.stage === 'before' ? rule.action : undefined;
    },
    takeAfterCreate(method, routePath, status) {
      if (status !== 202) return false;
      return (
        take((r) => r.stage === 'after-create' && matchesFault(r.match, method, routePath)) !==
        undefined
      );
    },
  };
}
