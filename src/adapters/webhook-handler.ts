import type { Clock } from '../kernel/clock.js';
import { type Logger, silentLogger } from '../kernel/logger.js';
import type { Provisioner } from '../provisioning/provisioner.js';
import { isProvisioningError } from '../records/errors.js';
import type { ProvisioningEventType } from '../records/events.js';
import { createWebhookAuthenticator, type WebhookAuthOptions } from './authenticate.js';
import { WEBHOOK_DEFAULTS } from './defaults.js';
import type { StatusAuthorizer } from './jwt-authorizer.js';
import { classifyWebhook } from './payloads.js';
import { jsonAnswer, publicStatus } from './responses.js';
import { matchWebhookRoute, normalizeBasePath, type WebhookRouteName } from './routes.js';

/**
 * The framework-free webhook endpoint: a fetch `Request` in, a `Response` out.
 *
 * @example
 * ```ts
 * const handle: WebhookHandler = createWebhookHandler(options);
 * Deno.serve(handle);
 * ```
 */
export type WebhookHandler = (request: Request) => Promise<Response>;

/**
 * Options of {@link createWebhookHandler} (and of every framework adapter).
 *
 * @example
 * ```ts
 * const options: WebhookHandlerOptions = {
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!], headerName: 'x-webhook-secret' },
 *   authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 *   bodyLimit: 64 * 1024,
 *   logger: console,
 * };
 * ```
 */
export interface WebhookHandlerOptions {
  /**
   * The provisioner the signups and deletions go to. A signup is claimed and
   * its create left to the provisioner's scheduler (one queue for every create).
   */
  provisioner: Pick<
    Provisioner,
    'claimUser' | 'getProvisioningStatus' | 'deprovisionUserDatabase'
  > &
    Partial<Pick<Provisioner, 'subscribe'>>;
  /** How webhooks authenticate; at least one way is required. */
  auth: WebhookAuthOptions;
  /** Who may read `GET /status/:userId`. Without it the route answers 401 to everyone. */
  authorizeStatus?: StatusAuthorizer;
  /**
   * Keeps the work after the answer alive on hosts that freeze once the
   * answer is sent: Next.js `after`, Vercel's `waitUntil`, Cloudflare's
   * `ctx.waitUntil`. A signup hands it a promise that settles once the
   * scheduler has sent the user's create (its outcome is in the record), or
   * after 20 s; a deletion, the deletion. Without it the work runs in the
   * background of this process.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Largest body read, in bytes. Default 65 536. */
  bodyLimit?: number;
  /** Provision anonymous users (`is_anonymous`) too. Default false: they get one when they upgrade. */
  provisionAnonymousUsers?: boolean;
  /** Default `/webhooks/auth`. */
  basePath?: string;
  /** Gets the user id and the outcome of each call, never a body. */
  logger?: Logger;
  /** For the Standard Webhooks tolerance. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
}

const decoder = new TextDecoder();
/** Events after which a user's create has been sent (or will not be, for now). */
const CREATE_SETTLED = new Set<ProvisioningEventType>([
  'creating',
  'create-deferred',
  'failed',
  'deprovisioning',
]);
const unauthorized = () => jsonAnswer(401, { error: 'unauthorized' });

/**
 * Creates the webhook endpoint for Supabase signups. A Database Webhook on
 * `auth.users` (INSERT, UPDATE, DELETE) posts to it; it authenticates the raw
 * body first, claims the user and answers 202 within milliseconds. The claim
 * hands the Aura create to the provisioner's scheduler, the one queue every
 * create goes through, so a burst of signups is paced by it. Redeliveries
 * answer 202 again and change nothing. Routes: see {@link webhookRoutes}.
 *
 * @example
 * ```ts
 * const handle = createWebhookHandler({
 *   provisioner,
 *   auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *   authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 * });
 * Bun.serve({ fetch: handle }); // or Deno.serve(handle), or export default { fetch: handle }
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const base = normalizeBasePath(options.basePath);
  const logger = options.logger ?? silentLogger;
  const { provisioner } = options;
  const authenticate = createWebhookAuthenticator(
    options.auth ?? {},
    options.bodyLimit ?? WEBHOOK_DEFAULTS.bodyLimit,
    options.clock,
  );

  /** Runs `task` after the answer is on its way; failures are logged, never unhandled. */
  const afterAnswer = (task: () => Promise<unknown>, fields: Record<string, unknown>) => {
    const work = new Promise((resolve) => setTimeout(resolve, 0)).then(task).then(
      () => undefined,
      (error: unknown) => {
        logger.error?.('webhook background work failed', { ...fields, error: String(error) });
      },
    );
    options.waitUntil?.(work);
  };

  /**
   * Settles when `userId`'s create has been sent and its outcome recorded (or deferred), or
   * after `createWaitMs`; never rejects. Without `subscribe` on the provisioner, at once.
   */
  const createSent = (userId: string) => {
    let finish = () => {};
    const promise = new Promise<void>((resolve) => {
      if (!provisioner.subscribe) return resolve();
      const timer = setTimeout(() => finish(), WEBHOOK_DEFAULTS.createWaitMs);
      const stop = provisioner.subscribe((event) => {
        if (event.userId === userId && CREATE_SETTLED.has(event.type)) finish();
      });
      finish = () => {
        clearTimeout(timer);
        stop();
        resolve();
      };
    });
    return { promise, cancel: () => finish() };
  };

  const webhook = async (request: Request, route: WebhookRouteName): Promise<Response> => {
    const verdict = await authenticate(request);
    if (!verdict.ok) {
      logger.warn?.('webhook refused', { route, reason: verdict.reason });
      return verdict.status === 401
        ? unauthorized()
        : jsonAnswer(413, { error: 'payload_too_large' });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(decoder.decode(verdict.body));
    } catch {
      return jsonAnswer(400, { error: 'invalid_json' });
    }
    const intent = classifyWebhook(payload);
    if (intent.kind === 'invalid') return jsonAnswer(400, { error: 'invalid_payload' });
    if (intent.kind === 'ignored') {
      logger.debug?.('webhook ignored', { route, reason: intent.reason });
      // An Auth Hook must answer `{}` to let the signup go on.
      return intent.reason === 'auth-hook'
        ? jsonAnswer(200, {})
        : jsonAnswer(200, { status: 'ignored' });
    }
    const { userId } = intent;
    if (intent.kind === 'signup' && route !== 'delete') {
      if (intent.anonymous && !options.provisionAnonymousUsers) {
        logger.info?.('webhook signup skipped (anonymous)', { userId });
        return jsonAnswer(200, { userId, status: 'skipped' });
      }
      // The claim schedules the create: it goes out through the scheduler like every other,
      // never beside it. A frozen host is asked to stay up until it has been sent.
      const sent = options.waitUntil ? createSent(userId) : undefined;
      const status = await provisioner.claimUser(userId).catch((error: unknown) => {
        sent?.cancel();
        throw error;
      });
      if (sent && status.status === 'pending' && status.attempts === 0) {
        options.waitUntil?.(sent.promise);
      } else {
        sent?.cancel();
      }
      logger.info?.('webhook signup accepted', { userId, status: status.status });
      return jsonAnswer(202, { userId, status: status.status });
    }
    if (intent.kind === 'delete' && route !== 'signup') {
      const current = await provisioner.getProvisioningStatus(userId);
      if (current.status === 'not_found') return jsonAnswer(200, { userId, status: 'not_found' });
      afterAnswer(() => provisioner.deprovisionUserDatabase(userId), { userId });
      logger.info?.('webhook deletion accepted', { userId });
      return jsonAnswer(202, { userId, status: 'deleting' });
    }
    return jsonAnswer(200, { status: 'ignored' });
  };

  const status = async (request: Request, encodedUserId: string): Promise<Response> => {
    if (!options.authorizeStatus) return unauthorized();
    const userId = decodeURIComponent(encodedUserId);
    let allowed = false;
    try {
      allowed = await options.authorizeStatus(request, userId);
    } catch (error) {
      logger.warn?.('status authorizer failed', { userId, error: String(error) });
    }
    if (allowed !== true) return unauthorized();
    return jsonAnswer(200, publicStatus(await provisioner.getProvisioningStatus(userId)));
  };

  return async (request) => {
    const match = matchWebhookRoute(new URL(request.url).pathname, base);
    if (!match) return jsonAnswer(404, { error: 'not_found' });
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (method !== match.method) {
      return jsonAnswer(405, { error: 'method_not_allowed' }, { allow: match.method });
    }
    try {
      if (match.route === 'health') return jsonAnswer(200, { status: 'ok' });
      if (match.route === 'status') return await status(request, match.userId ?? '');
      return await webhook(request, match.route);
    } catch (error) {
      if (error instanceof URIError || isProvisioningError(error, 'invalid_configuration')) {
        return jsonAnswer(400, { error: 'invalid_payload' });
      }
      logger.error?.('webhook failed', { route: match.route, error: String(error) });
      return jsonAnswer(503, { error: 'unavailable' });
    }
  };
}
