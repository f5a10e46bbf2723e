/**
 * Development secrets shared by the example servers and send-signup, used
 * only against the Aura fake when the environment sets none. Never in production.
 */
export const DEV_SECRETS = {
  /** The shared-secret header value (`x-webhook-secret`) a Database Webhook would send. */
  webhookSecret: 'dev-webhook-secret-change-me',
  /** A Standard Webhooks secret as Supabase shows it for Auth Hooks. */
  authHookSecret: 'v1,whsec_ZGV2LWF1dGgtaG9vay1zZWNyZXQtY2hhbmdlLW1l',
  /** The project's JWT secret, for the status route's user tokens. */
  jwtSecret: 'dev-supabase-jwt-secret-of-at-least-32-characters',
};
