import type { UserDatabaseStatus } from '../records/status.js';

/** The only bodies the webhook core ever answers: small, fixed shapes, never the request's record. */
export type WebhookAnswer =
  | { userId: string; status: string; ready?: boolean }
  | { status: 'ok' | 'ignored' }
  | { error: WebhookErrorCode }
  | Record<string, never>;

/** The `error` of a 4xx/5xx answer: a category, never why in detail. */
export type WebhookErrorCode =
  | 'unauthorized'
  | 'payload_too_large'
  | 'invalid_json'
  | 'invalid_payload'
  | 'not_found'
  | 'method_not_allowed'
  | 'unavailable';

/** A JSON answer that no cache keeps. */
export function jsonAnswer(
  status: number,
  body: WebhookAnswer,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** What `GET /status/:userId` shows: the state, not the instance (no id, URL or error detail). */
export function publicStatus(status: UserDatabaseStatus): {
  userId: string;
  status: string;
  ready: boolean;
} {
  return { userId: status.userId, status: status.status, ready: status.status === 'ready' };
}
