/**
 * `aura-provisioner/next`: the webhook endpoint as Next.js App Router route
 * handlers (optional peer `next`; nothing of Next is imported).
 *
 * @example
 * ```ts
 * // app/webhooks/auth/[...path]/route.ts
 * import { after } from 'next/server';
 * import { createAuraRouteHandlers } from 'aura-provisioner/next';
 *
 * export const { GET, POST } = createAuraRouteHandlers({
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *   waitUntil: after,
 * });
 * ```
 *
 * @module aura-provisioner/next
 */
import { createWebhookHandler, type WebhookHandlerOptions } from './adapters/webhook-handler.js';

export type { WebhookAuthOptions } from './adapters/authenticate.js';
export { supabaseJwtAuthorizer } from './adapters/jwt-authorizer.js';
export type { WebhookHandlerOptions } from './adapters/webhook-handler.js';

/**
 * A Next.js route handler: a `Request` (or `NextRequest`) in, a `Response` out.
 *
 * @example
 * ```ts
 * const { POST }: { POST: RouteHandler } = createAuraRouteHandlers(options);
 * ```
 */
export type RouteHandler = (request: Request) => Promise<Response>;

/**
 * Creates `{ GET, POST }` for a catch-all route at the base path, e.g.
 * `app/webhooks/auth/[...path]/route.ts` for the default `/webhooks/auth`
 * (use `[[...path]]` to also serve `POST /webhooks/auth` itself). Pass
 * `waitUntil: after` from `next/server`: on serverless hosts the create call
 * must run inside the request's lifetime extension, after the 202 is sent.
 *
 * @example
 * ```ts
 * export const { GET, POST } = createAuraRouteHandlers({
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *   authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 *   waitUntil: after,
 * });
 * ```
 */
export function createAuraRouteHandlers(options: WebhookHandlerOptions): {
  GET: RouteHandler;
  POST: RouteHandler;
} {
  const handle = createWebhookHandler(options);
  return { GET: (request) => handle(request), POST: (request) => handle(request) };
}
