/**
 * `aura-provisioner/webhooks`: the framework-free webhook core, a fetch
 * `Request` in and a `Response` out, for any host (Bun, Deno, Cloudflare,
 * Hono...). The Elysia, Express and Next.js adapters wrap it.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from 'aura-provisioner/webhooks';
 * const handle = createWebhookHandler({ provisioner, auth: { sharedSecrets: [secret] } });
 * export default { fetch: handle };
 * ```
 *
 * @module aura-provisioner/webhooks
 */
export type { AuthRefusal, WebhookAuthOptions } from './authenticate.js';
export { WEBHOOK_DEFAULTS } from './defaults.js';
export {
  isWebhookError,
  WebhookConfigurationError,
  WebhookError,
  type WebhookErrorCode,
} from './errors.js';
export {
  type StatusAuthorizer,
  type SupabaseJwtAuthorizerOptions,
  supabaseJwtAuthorizer,
} from './jwt-authorizer.js';
export { classifyWebhook, type WebhookIntent } from './payloads.js';
export {
  type ReconcileSignupsOptions,
  type ReconcileSignupsReport,
  reconcileSignups,
  type SignupUser,
  type SupabaseAdminUsersClient,
  supabaseAuthUsers,
} from './reconcile-signups.js';
export { type WebhookRoute, type WebhookRouteName, webhookRoutes } from './routes.js';
export {
  type SignStandardWebhookInput,
  signStandardWebhook,
} from './standard-webhooks.js';
export {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './webhook-handler.js';
