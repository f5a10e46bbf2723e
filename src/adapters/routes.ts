import { WEBHOOK_DEFAULTS } from './defaults.js';
import { WebhookConfigurationError } from './errors.js';

/**
 * The routes of the webhook core, relative to its base path.
 *
 * @example
 * ```ts
 * const name: WebhookRouteName = 'signup';
 * ```
 */
export type WebhookRouteName = 'events' | 'signup' | 'delete' | 'status' | 'health';

/**
 * One route: what a framework adapter registers.
 *
 * @example
 * ```ts
 * for (const { method, path } of webhookRoutes()) app.on(method, path, (c) => handle(c.req.raw));
 * ```
 */
export interface WebhookRoute {
  name: WebhookRouteName;
  method: 'GET' | 'POST';
  /** Full path in Express/Elysia syntax, e.g. `/webhooks/auth/status/:userId`. */
  path: string;
}

/**
 * Checks and normalises a base path: a leading `/`, no trailing `/`
 * (`''` mounts the routes at the root).
 *
 * @example
 * ```ts
 * normalizeBasePath('api/hooks/'); // '/api/hooks'
 * ```
 */
export function normalizeBasePath(basePath: string = WEBHOOK_DEFAULTS.basePath): string {
  const trimmed = `/${basePath.trim()}`.replace(/\/{2,}/g, '/').replace(/\/$/, '');
  if (!/^(\/[\w.~-]+)*$/.test(trimmed)) {
    throw new WebhookConfigurationError(
      'Invalid webhook base path: expected segments of letters, digits, `-`, `_`, `.`, `~`',
    );
  }
  return trimmed;
}

/**
 * The routes under a base path, for adapters that register each one:
 * `POST {base}` (any `auth.users` event, dispatched on `type`), `POST
 * {base}/signup` (INSERT), `POST {base}/delete` (DELETE),
 * `GET {base}/status/:userId`, `GET {base}/health`.
 *
 * @example
 * ```ts
 * webhookRoutes('/webhooks/auth').map((r) => `${r.method} ${r.path}`);
 * ```
 */
export function webhookRoutes(basePath?: string): WebhookRoute[] {
  const base = normalizeBasePath(basePath);
  return [
    { name: 'events', method: 'POST', path: base || '/' },
    { name: 'signup', method: 'POST', path: `${base}/signup` },
    { name: 'delete', method: 'POST', path: `${base}/delete` },
    { name: 'status', method: 'GET', path: `${base}/status/:userId` },
    { name: 'health', method: 'GET', path: `${base}/health` },
  ];
}

/** Finds the route of a path (base path already normalised); the user id still URL-encoded. */
export function matchWebhookRoute(
  pathname: string,
  base: string,
): { route: WebhookRoute['name']; method: 'GET' | 'POST'; userId?: string } | null {
  if (pathname !== base && !pathname.startsWith(`${base}/`)) return null;
  const rest = pathname.slice(base.length).replace(/\/$/, '');
  if (rest === '') return { route: 'events', method: 'POST' };
  if (rest === '/signup') return { route: 'signup', method: 'POST' };
  if (rest === '/delete') return { route: 'delete', method: 'POST' };
  if (rest === '/health') return { route: 'health', method: 'GET' };
  const status = /^\/status\/([^/]+)$/.exec(rest);
  if (status?.[1]) return { route: 'status', method: 'GET', userId: status[1] };
  return null;
}
