/** The token endpoint's path below the base URL. */
export const TOKEN_PATH = '/oauth/token';
const API_PREFIX = '/v1';

/** A request as the fake's routes see it: parsed once, body read once. */
export interface IncomingRequest {
  method: string;
  /** Path below the base URL, `/v1` included. */
  path: string;
  /** Path below `/v1` for API requests (`/instances`), else the same as `path`. */
  routePath: string;
  /** Whether the path is under `/v1` (rate-limited and behind the bearer token). */
  isApi: boolean;
  query: Record<string, string>;
  headers: Headers;
  /** The media type without parameters, lower case. */
  mediaType: string | undefined;
  /** Parsed JSON, form fields, the raw text if neither parses, or `undefined`. */
  body: unknown;
  /** False when a body was sent but is not JSON. */
  bodyIsJson: boolean;
  signal: AbortSignal;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Reads a fetch `Request` relative to the fake's base path.
 *
 * @example
 * ```ts
 * const incoming = await readIncoming(request, '');
 * incoming.routePath; // '/instances'
 * ```
 */
export async function readIncoming(request: Request, basePath: string): Promise<IncomingRequest> {
  const url = new URL(request.url);
  const path = url.pathname.startsWith(`${basePath}/`)
    ? url.pathname.slice(basePath.length)
    : url.pathname;
  const isApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const text = request.body === null ? '' : await request.text();
  const { body, bodyIsJson } = parseBody(text, mediaType);
  return {
    method: request.method.toUpperCase(),
    path,
    routePath: isApi ? path.slice(API_PREFIX.length) || '/' : path,
    isApi,
    query: Object.fromEntries(url.searchParams),
    headers: request.headers,
    mediaType,
    body,
    bodyIsJson,
    signal: request.signal,
  };
}

function parseBody(text: string, mediaType: string | undefined) {
  if (text === '') return { body: undefined, bodyIsJson: true };
  if (mediaType === FORM) {
    return { body: Object.fromEntries(new URLSearchParams(text)), bodyIsJson: false };
  }
  try {
    return { body: JSON.parse(text) as unknown, bodyIsJson: true };
  } catch {
    return { body: text, bodyIsJson: false };
  }
}

/**
 * The body as it may be recorded: for the token endpoint only `grant_type`,
 * so client secrets sent in a form never reach `aura.requests`.
 *
 * @example
 * ```ts
 * recordableBody(incoming); // { grant_type: 'client_credentials' }
 * ```
 */
export function recordableBody(incoming: IncomingRequest): unknown {
  if (incoming.path !== TOKEN_PATH) return incoming.body;
  const body = incoming.body;
  if (body === undefined) return undefined;
  const grantType =
    typeof body === 'object' && body !== null && 'grant_type' in body
      ? (body as { grant_type: unknown }).grant_type
      : undefined;
  return { grant_type: grantType };
}
