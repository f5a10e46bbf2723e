/**
 * Defaults of the webhook core, declared once. `basePath` and `bodyLimit` are
 * options of `createWebhookHandler`; `sharedSecretHeader` and
 * `toleranceSeconds` are the defaults of `auth.headerName` and
 * `auth.toleranceSeconds` (seconds, as the Standard Webhooks spec counts);
 * `jwtAudience` of `supabaseJwtAuthorizer`'s `audience`. `createWaitMs` is a
 * constant.
 *
 * @example
 * ```ts
 * import { WEBHOOK_DEFAULTS } from 'aura-provisioner/webhooks';
 * WEBHOOK_DEFAULTS.bodyLimit; // 65536
 * ```
 */
export const WEBHOOK_DEFAULTS = {
  /** The routes' prefix: `POST /webhooks/auth/signup`, `GET /webhooks/auth/status/:userId`, ... */
  basePath: '/webhooks/auth',
  /** An `auth.users` row is about 2 KB; 64 KB leaves room and stops floods early. */
  bodyLimit: 64 * 1024,
  /** The header a Database Webhook is configured to send with the shared secret. */
  sharedSecretHeader: 'x-webhook-secret',
  /** Standard Webhooks: a signature older or newer than this is refused. */
  toleranceSeconds: 5 * 60,
  /**
   * With `waitUntil`: the longest the host is asked to stay up after a signup's answer, for the
   * scheduler to send the user's create. Serverless hosts cap this themselves too.
   */
  createWaitMs: 20_000,
  /** Supabase signs user JWTs with this audience. */
  jwtAudience: 'authenticated',
} as const;
