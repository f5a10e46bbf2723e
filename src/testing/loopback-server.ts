import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuraMockRequestEndedError } from './errors.js';

/**
 * Options of `aura.listen(...)`.
 *
 * @example
 * ```ts
 * const server = await aura.listen({ port: 0 });
 * ```
 */
export interface ListenOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/**
 * A running loopback server.
 *
 * @example
 * ```ts
 * const { url, close } = await aura.listen();
 * const client = new AuraClient({ baseUrl: url, clientId, clientSecret });
 * await close();
 * ```
 */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`, usable as the client's base URL. */
  url: string;
  /** Stops listening and cuts every open connection (parked requests end). */
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, baseUrl: string, signal: AbortSignal) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = body.length > 0 && method !== 'GET' && method !== 'HEAD';
  return new Request(`${baseUrl}${req.url ?? '/'}`, {
    method,
    headers,
    body: hasBody ? body : undefined,
    signal,
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: Request) => Promise<Response>,
  baseUrl: string,
) {
  const controller = new AbortController();
  // The client hung up (or the server closed) before we answered: a parked request ends.
  res.on('close', () => {
    if (!res.writableFinished)
      controller.abort(new AuraMockRequestEndedError('client disconnected'));
  });
  try {
    const response = await handle(await toRequest(req, baseUrl, controller.signal));
    if (response.type === 'error') {
      req.socket.destroy();
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch {
    req.socket.destroy();
  }
}

/**
 * Serves `handle` over real HTTP on loopback with `node:http`. Requests reach
 * `handle` as if sent to `baseUrl`, so the fake sees its own paths.
 *
 * @example
 * ```ts
 * const server = await listenLoopback(aura.handle, 'https://api.neo4j.io', { port: 0 });
 * await fetch(`${server.url}/v1/tenants`, { headers });
 * await server.close();
 * ```
 */
export async function listenLoopback(
  handle: (request: Request) => Promise<Response>,
  baseUrl: string,
  options: ListenOptions = {},
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    void serve(req, res, handle, baseUrl);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
