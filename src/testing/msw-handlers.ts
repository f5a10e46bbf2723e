import type { RequestHandler } from 'msw';
import { loadMsw } from './msw-module.js';

/**
 * MSW request handlers for everything under `baseUrl`, answered by `handle`.
 * A network-error response or a rejected promise (a timeout the client gave
 * up on, a reset) becomes `HttpResponse.error()`, so nothing is logged as a
 * handler crash. Throws `AuraMockConfigurationError` when `msw` is not installed.
 *
 * @example
 * ```ts
 * const server = setupServer(...createMswHandlers(aura.handle, 'https://api.neo4j.io'));
 * ```
 */
export function createMswHandlers(
  handle: (request: Request) => Promise<Response>,
  baseUrl: string,
): RequestHandler[] {
  const { http, HttpResponse } = loadMsw();
  return [
    http.all(`${baseUrl}/*`, async ({ request }) => {
      try {
        const response = await handle(request);
        return response.type === 'error' ? HttpResponse.error() : response;
      } catch {
        return HttpResponse.error();
      }
    }),
  ];
}
