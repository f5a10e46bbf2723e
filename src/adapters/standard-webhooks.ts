import { decodeBase64, encodeBase64 } from '../kernel/base64.js';
import type { Clock } from '../kernel/clock.js';
import { concatBytes, equalBytes, hmacSha256, importHmacKey } from './constant-time.js';
import { WEBHOOK_DEFAULTS } from './defaults.js';
import { WebhookConfigurationError } from './errors.js';

const encoder = new TextEncoder();
/** Webhook ids are short opaque strings; a bound keeps a hostile header from costing much. */
const MAX_ID_LENGTH = 256;
const MAX_SIGNATURES = 10;

/** Why a Standard Webhooks check failed: for the operator's log, never for the answer. */
export type StandardWebhookFailure =
  | 'missing-headers'
  | 'bad-timestamp'
  | 'timestamp-outside-tolerance'
  | 'bad-signature';

/** Checks the `webhook-*` headers of a request against its raw body. */
export type StandardWebhookVerifier = (
  headers: Headers,
  body: Uint8Array,
) => Promise<{ ok: true } | { ok: false; reason: StandardWebhookFailure }>;

/** The `webhook-*` headers of a delivery, parsed: what can be judged before its body is read. */
export interface StandardWebhookHeaders {
  id: string;
  timestamp: string;
  /** The decoded `v1` signatures (at most 10). */
  signatures: Uint8Array[];
}

/**
 * Parses the `webhook-*` headers and checks them against the clock: present,
 * well formed, and a timestamp within `toleranceMs` of `nowMs`. Needs neither
 * the body nor a key, so a delivery that fails it is refused before its body
 * is read (a slow or endless body then holds nothing).
 *
 * @example
 * ```ts
 * const headers = readStandardWebhookHeaders(request.headers, Date.now(), 300_000);
 * if (!headers.ok) return new Response(null, { status: 401 }); // headers.reason for the log
 * ```
 */
export function readStandardWebhookHeaders(
  headers: Headers,
  nowMs: number,
  toleranceMs: number,
): { ok: true; value: StandardWebhookHeaders } | { ok: false; reason: StandardWebhookFailure } {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signatures = parseSignatures(headers.get('webhook-signature'));
  if (!id || id.length > MAX_ID_LENGTH || !timestamp || signatures.length === 0) {
    return { ok: false, reason: 'missing-headers' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > toleranceMs) {
    return { ok: false, reason: 'timestamp-outside-tolerance' };
  }
  return { ok: true, value: { id, timestamp, signatures } };
}

/** Options of {@link createStandardWebhookVerifier}. */
export interface StandardWebhookVerifierOptions {
  /** Secrets as Supabase shows them (`v1,whsec_<base64>`) or as `whsec_<base64>`. Several for rotation. */
  secrets: readonly string[];
  /** Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** Only `now()` is read. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
}

/**
 * Decodes a Standard Webhooks secret (`v1,whsec_<base64>`, `whsec_<base64>`)
 * to its key bytes. Throws a configuration error that does not quote it.
 *
 * @example
 * ```ts
 * decodeWebhookSecret('v1,whsec_c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3OA=='); // Uint8Array
 * ```
 */
export function decodeWebhookSecret(secret: string): Uint8Array<ArrayBuffer> {
  const match = /^(?:v1,)?whsec_(.+)$/.exec(typeof secret === 'string' ? secret : '');
  const bytes = match?.[1] ? decodeBase64(match[1]) : null;
  if (!bytes || bytes.length < 16) {
    throw new WebhookConfigurationError(
      'Invalid Standard Webhooks secret: expected `v1,whsec_<base64>` of at least 16 bytes',
    );
  }
  return bytes;
}

/**
 * Builds a verifier for Standard Webhooks (what Supabase Auth Hooks send): the
 * `webhook-signature` header holds one or more `v1,<base64>` HMAC-SHA256
 * signatures of `${webhook-id}.${webhook-timestamp}.${body}`, and the
 * timestamp must lie within the tolerance of now. Web Crypto only, so it runs
 * in Node, Bun and edge runtimes.
 *
 * @example
 * ```ts
 * const verify = createStandardWebhookVerifier({ secrets: [process.env.AUTH_HOOK_SECRET!] });
 * const result = await verify(request.headers, new Uint8Array(await request.arrayBuffer()));
 * if (!result.ok) return new Response(null, { status: 401 });
 * ```
 */
export function createStandardWebhookVerifier(
  options: StandardWebhookVerifierOptions,
): StandardWebhookVerifier {
  const keys = Promise.all(options.secrets.map((s) => importHmacKey(decodeWebhookSecret(s))));
  const toleranceMs = (options.toleranceSeconds ?? WEBHOOK_DEFAULTS.toleranceSeconds) * 1000;
  const now = () => (options.clock ?? Date).now();
  return async (headers, body) => {
    const parsed = readStandardWebhookHeaders(headers, now(), toleranceMs);
    if (!parsed.ok) return parsed;
    const { id, timestamp, signatures } = parsed.value;
    const content = concatBytes(encoder.encode(`${id}.${timestamp}.`), body);
    let matched = false;
    for (const key of await keys) {
      const expected = await hmacSha256(key, content);
      for (const signature of signatures) matched = equalBytes(expected, signature) || matched;
    }
    return matched ? { ok: true } : { ok: false, reason: 'bad-signature' };
  };
}

/** `v1,<b64> v1,<b64>` -> the decoded v1 signatures; other versions (`v1a`, asymmetric) are skipped. */
function parseSignatures(header: string | null): Uint8Array[] {
  if (!header) return [];
  const out: Uint8Array[] = [];
  for (const part of header.split(' ').slice(0, MAX_SIGNATURES)) {
    const [version, value] = part.split(',', 2);
    const bytes = version === 'v1' && value ? decodeBase64(value) : null;
    if (bytes) out.push(bytes);
  }
  return out;
}

/**
 * What {@link signStandardWebhook} signs.
 *
 * @example
 * ```ts
 * const input: SignStandardWebhookInput = { secret: 'v1,whsec_...', body: '{}', timestamp: 1_700_000_000 };
 * ```
 */
export interface SignStandardWebhookInput {
  /** `v1,whsec_<base64>` or `whsec_<base64>`. */
  secret: string;
  /** The raw body, exactly as it will be sent. */
  body: string | Uint8Array;
  /** Default: a random UUID (`msg_...`). */
  id?: string;
  /** Seconds since the epoch. Default: now. */
  timestamp?: number;
}

/**
 * Signs a body as Standard Webhooks (and so Supabase Auth Hooks) do: returns
 * the three `webhook-*` headers to send with it. For tests, scripts, and
 * relays that forward Supabase events.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(payload);
 * const headers = await signStandardWebhook({ secret: 'v1,whsec_...', body });
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 * ```
 */
export async function signStandardWebhook(
  input: SignStandardWebhookInput,
): Promise<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>> {
  const id = input.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const key = await importHmacKey(decodeWebhookSecret(input.secret));
  const body = typeof input.body === 'string' ? encoder.encode(input.body) : input.body;
  const signature = await hmacSha256(key, concatBytes(encoder.encode(`${id}.${timestamp}.`), body));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${encodeBase64(signature)}`,
  };
}
