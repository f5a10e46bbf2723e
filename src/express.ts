/**
 * `aura-provisioner/express`: the webhook endpoint as an Express `Router`
 * (optional peer `express`, 4.17 or later, or 5). Node only.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createAuraWebhookRouter } from 'aura-provisioner/express';
 *
 * const app = express();
 * app.use(createAuraWebhookRouter({ provisioner, auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] } }));
 * app.use(express.json()); // after the router: it needs the raw body
 * ```
 *
 * @module aura-provisioner/express
 */
import express, {
  type Request as ExpressRequest,
  type Response as ExpressResponse,
  type NextFunction,
  type Router,
} from 'express';
import { normalizeBasePath, webhookRoutes } from './adapters/routes.js';
import {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './adapters/webhook-handler.js';

export type { WebhookAuthOptions } from './adapters/authenticate.js';
export { supabaseJwtAuthorizer } from './adapters/jwt-authorizer.js';
export type { WebhookHandlerOptions } from './adapters/webhook-handler.js';

/**
 * Creates an Express (4.17+ or 5) `Router` serving the webhook routes: `POST {base}`,
 * `POST {base}/signup`, `POST {base}/delete`, `GET {base}/status/:userId`,
 * `GET {base}/health`. Where `{base}` is:
 *
 * - mounted at the root (`app.use(router)`, the usual way): `basePath`, default
 *   `/webhooks/auth`, so `POST /webhooks/auth/signup`;
 * - mounted under a path (`app.use('/webhooks/auth', router)`): the routes are
 *   relative to the mount point, and `basePath` defaults to `''`, so the same
 *   `POST /webhooks/auth/signup`. A `basePath` you give counts from the mount
 *   point: `app.use('/api', createAuraWebhookRouter({ ..., basePath: '/hooks' }))`
 *   serves `POST /api/hooks/signup`.
 *
 * Other paths fall through to the next handler. The router reads the raw
 * request stream itself (signatures cover the exact bytes), so mount it before
 * `express.json()`, or at least where no parser has read the body. The headers
 * are checked before a byte of it is read: a request without a valid secret or
 * with stale signature headers gets 401 at once, with `connection: close`,
 * however slowly its body trickles.
 *
 * @example
 * ```ts
 * app.use(
 *   '/webhooks/auth', // or no path at all: the same routes
 *   createAuraWebhookRouter({
 *     provisioner,
 *     auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *     authorizeStatus: supabaseJwtAuthorizer({ supabaseUrl: process.env.SUPABASE_URL! }),
 *   }),
 * );
 * ```
 */
export function createAuraWebhookRouter(options: WebhookHandlerOptions): Router {
  const atRoot = normalizeBasePath(options.basePath);
  const underMountPath = options.basePath === undefined ? '' : atRoot;
  // `req.baseUrl` is the path the router is mounted under ('' at the root): only known per request.
  const baseOf = (req: ExpressRequest) => (req.baseUrl === '' ? atRoot : underMountPath);
  const router = express.Router();
  for (const base of new Set([atRoot, underMountPath])) {
    const handle = createWebhookHandler({ ...options, basePath: base });
    const serve = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
      if (baseOf(req) !== base) return next();
      answer(handle, req, res, options).catch(next);
    };
    for (const route of webhookRoutes(base)) {
      if (route.method === 'GET') router.get(route.path, serve);
      else router.post(route.path, serve);
    }
  }
  return router;
}

async function answer(
  handle: WebhookHandler,
  req: ExpressRequest,
  res: ExpressResponse,
  options: WebhookHandlerOptions,
) {
  const request = toFetchRequest(req);
  if (!request) {
    // A parser upstream consumed the body: the bytes the signature covers are gone.
    options.logger?.error?.(
      'webhook body already parsed: mount createAuraWebhookRouter before express.json()',
      { path: req.path },
    );
    res.status(500).json({ error: 'body_already_parsed' });
    return;
  }
  const response = await handle(request);
  res.status(response.status);
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  // Answered before the body was all in (refused on its headers, or past the limit): the rest
  // is not waited for. Closing is how HTTP/1.1 drops it; keeping the connection would mean
  // reading the sender's bytes for as long as it cares to trickle them.
  if (!req.complete) res.setHeader('connection', 'close');
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The Express request as a fetch `Request`. The body is handed over unread, as
 * a stream the core pulls only once the headers have passed: a request refused
 * on its headers costs no read, however slowly its body comes. Null when a
 * parser upstream has already consumed the stream.
 */
function toFetchRequest(req: ExpressRequest): Request | null {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // `req.url` is relative to where the router is mounted, as the routes are. The
  // host is fixed: the Host header is the caller's to choose, and only the path is routed.
  const url = `http://localhost${req.url}`;
  if (req.method === 'GET' || req.method === 'HEAD')
    return new Request(url, { method: 'GET', headers });
  if (Buffer.isBuffer(req.body))
    return new Request(url, { method: req.method, headers, body: new Uint8Array(req.body) });
  if (req.body !== undefined || req.readableEnded) return null;
  return new Request(url, {
    method: req.method,
    headers,
    body: bodyOnDemand(req),
    duplex: 'half',
  } as RequestInit);
}

/**
 * The Node request stream as a web stream that reads nothing until pulled
 * (high-water mark 0), one chunk per pull. Cancelled (the core stops at the
 * body limit), it lets go of the request and discards what still arrives, so
 * the 413 goes out before the connection closes.
 */
function bodyOnDemand(req: ExpressRequest): ReadableStream<Uint8Array> {
  let stop = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          req.pause();
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        };
        const onEnd = () => {
          stop();
          controller.close();
        };
        const onError = (error: Error) => {
          stop();
          controller.error(error);
        };
        stop = () => {
          req.off('data', onData);
          req.off('end', onEnd);
          req.off('error', onError);
        };
        // Listening without reading: `pause()` first keeps the stream from flowing.
        req.pause();
        req.on('data', onData);
        req.once('end', onEnd);
        req.once('error', onError);
      },
      pull() {
        req.resume();
      },
      cancel() {
        stop();
        req.resume();
      },
    },
    { highWaterMark: 0 },
  );
}
