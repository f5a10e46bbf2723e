/**
 * `aura-provisioner/express`: the webhook endpoint as an Express 5 `Router`
 * (optional peer `express`). Node only.
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
 */
import express, {
  type Request as ExpressRequest,
  type Response as ExpressResponse,
  type NextFunction,
  type Router,
} from 'express';
import { WEBHOOK_DEFAULTS } from './adapters/defaults.js';
import { webhookRoutes } from './adapters/routes.js';
import {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './adapters/webhook-handler.js';

export type { WebhookAuthOptions } from './adapters/authenticate.js';
export { supabaseJwtAuthorizer } from './adapters/jwt-authorizer.js';
export type { WebhookHandlerOptions } from './adapters/webhook-handler.js';

/**
 * Creates an Express 5 `Router` serving the webhook routes under
 * `basePath` (default `/webhooks/auth`): `POST /webhooks/auth`,
 * `POST /webhooks/auth/signup`, `POST /webhooks/auth/delete`,
 * `GET /webhooks/auth/status/:userId`, `GET /webhooks/auth/health`. It reads
 * the raw request stream itself (signatures cover the exact bytes), so mount
 * it before `express.json()`, or at least where no parser has read the body.
 *
 * @example
 * ```ts
 * app.use(
 *   createAuraWebhookRouter({
 *     provisioner,
 *     auth: { sharedSecrets: [process.env.WEBHOOK_SECRET!] },
 *     authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: process.env.SUPABASE_JWT_SECRET! }),
 *   }),
 * );
 * ```
 */
export function createAuraWebhookRouter(options: WebhookHandlerOptions): Router {
  const handle = createWebhookHandler(options);
  const router = express.Router();
  const serve = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    answer(handle, req, res, options).catch(next);
  };
  for (const route of webhookRoutes(options.basePath)) {
    if (route.method === 'GET') router.get(route.path, serve);
    else router.post(route.path, serve);
  }
  return router;
}

async function answer(
  handle: WebhookHandler,
  req: ExpressRequest,
  res: ExpressResponse,
  options: WebhookHandlerOptions,
) {
  const request = await toFetchRequest(req, (options.bodyLimit ?? WEBHOOK_DEFAULTS.bodyLimit) + 1);
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
  res.end(Buffer.from(await response.arrayBuffer()));
}

async function toFetchRequest(req: ExpressRequest, limit: number): Promise<Request | null> {
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
  let body: Uint8Array<ArrayBuffer>;
  if (Buffer.isBuffer(req.body)) body = new Uint8Array(req.body);
  else if (req.body !== undefined || req.readableEnded) return null;
  else body = new Uint8Array(await readBounded(req, limit));
  return new Request(url, { method: req.method, headers, body });
}

/**
 * Reads the request body as bytes, at most `limit` of them: a body past the
 * limit is cut there (the core then sees more than it allows and answers 413)
 * and the rest is drained and dropped, so the answer reaches the client
 * instead of a reset. A Content-Length over the limit is not read at all.
 * Plain bytes cost less than a web stream over the Node stream per request.
 */
function readBounded(req: ExpressRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', reject);
      resolve(Buffer.concat(chunks, Math.min(total, limit)));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total >= limit) {
        done();
        req.resume(); // drain the rest without keeping it
      }
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('error', reject);
  });
}
