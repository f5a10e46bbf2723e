/**
 * `aura-provisioner/elysia`: the webhook endpoint as an Elysia plugin
 * (optional peer `elysia`). Runs under Bun, and under Node with Elysia's adapter.
 *
 * @example
 * ```ts
 * import { Elysia } from 'elysia';
 * import { auraWebhooks } from 'aura-provisioner/elysia';
 *
 * new Elysia()
 *   .use(auraWebhooks({ provisioner, auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] } }))
 *   .listen(3000);
 * ```
 *
 * @module aura-provisioner/elysia
 */
import { Elysia } from 'elysia';
import { webhookRoutes } from './adapters/routes.js';
import { createWebhookHandler, type WebhookHandlerOptions } from './adapters/webhook-handler.js';

export type { WebhookAuthOptions } from './adapters/authenticate.js';
export { supabaseJwtAuthorizer } from './adapters/jwt-authorizer.js';
export type { WebhookHandlerOptions } from './adapters/webhook-handler.js';

/**
 * Creates an Elysia plugin serving the webhook routes under `basePath`
 * (default `/webhooks/auth`): `POST /webhooks/auth`,
 * `POST /webhooks/auth/signup`, `POST /webhooks/auth/delete`,
 * `GET /webhooks/auth/status/:userId`, `GET /webhooks/auth/health`. Elysia
 * does not parse these bodies (`parse: 'none'`): the core reads the raw bytes
 * the signature covers, and only once the headers have passed; a refused
 * request is answered with `connection: close`, its body left unread.
 *
 * @example
 * ```ts
 * const app = new Elysia().use(
 *   auraWebhooks({
 *     provisioner,
 *     auth: { standardWebhookSecrets: [process.env.AUTH_HOOK_SECRET!] },
 *     authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 *   }),
 * );
 * ```
 */
export function auraWebhooks(options: WebhookHandlerOptions) {
  const handle = createWebhookHandler(options);
  const serve = async ({ request }: { request: Request }) => {
    const response = await handle(request);
    // Refused on its headers, the body was never read and may still be trickling in: Bun drops
    // the connection instead of reading it to the end.
    if (request.body && !request.bodyUsed) response.headers.set('connection', 'close');
    return response;
  };
  const plugin = new Elysia();
  for (const route of webhookRoutes(options.basePath)) {
    if (route.method === 'GET') plugin.get(route.path, serve);
    else plugin.post(route.path, serve, { parse: 'none' });
  }
  return plugin;
}
