import * as z from 'zod/mini';

// Only what we act on is read; the rest of an `auth.users` row (password hash,
// tokens) passes through unread and is dropped with the parsed object.
const userRow = z.looseObject({
  id: z.string().check(z.minLength(1)),
  is_anonymous: z.optional(z.nullable(z.boolean())),
});

/** A Supabase Database Webhook: `jsonb_build_object('old_record', OLD, 'record', NEW, 'type', TG_OP, ...)`. */
const databaseWebhook = z.looseObject({
  type: z.string(),
  table: z.string(),
  schema: z.string(),
  record: z.nullable(z.unknown()),
  old_record: z.optional(z.nullable(z.unknown())),
});

/** A Supabase Auth Hook over HTTP (before-user-created and others). */
const authHook = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  user: z.unknown(),
});

/** What a verified webhook asks for. */
export type WebhookIntent =
  | { kind: 'signup'; userId: string; anonymous: boolean }
  | { kind: 'delete'; userId: string }
  | { kind: 'ignored'; reason: 'other-table' | 'other-event' | 'auth-hook' }
  | { kind: 'invalid' };

/**
 * Reads what a Supabase payload asks for. Pure. An INSERT on `auth.users` is a
 * signup; a DELETE a deletion; an UPDATE that turns an anonymous user into a
 * permanent one is a signup too (anonymous users are skipped by default).
 * Other tables and events are ignored; a shape Supabase does not send is
 * `invalid`. Auth Hooks (before-user-created) are `ignored`: they run before
 * the user exists and may still be rejected, so they never start a database;
 * the INSERT webhook or reconcile does.
 *
 * @example
 * ```ts
 * classifyWebhook({ type: 'INSERT', table: 'users', schema: 'auth', record: { id: 'u1' }, old_record: null });
 * // { kind: 'signup', userId: 'u1', anonymous: false }
 * ```
 */
export function classifyWebhook(payload: unknown): WebhookIntent {
  const event = z.safeParse(databaseWebhook, payload);
  if (event.success) {
    const { type, table, schema, record, old_record: oldRecord } = event.data;
    if (schema !== 'auth' || table !== 'users') return { kind: 'ignored', reason: 'other-table' };
    if (type === 'INSERT') return signup(record);
    if (type === 'DELETE') {
      const old = z.safeParse(userRow, oldRecord);
      return old.success ? { kind: 'delete', userId: old.data.id } : { kind: 'invalid' };
    }
    if (type === 'UPDATE') {
      const old = z.safeParse(userRow, oldRecord);
      const now = z.safeParse(userRow, record);
      if (!old.success || !now.success) return { kind: 'invalid' };
      if (old.data.is_anonymous === true && now.data.is_anonymous !== true) return signup(record);
    }
    return { kind: 'ignored', reason: 'other-event' };
  }
  if (z.safeParse(authHook, payload).success) return { kind: 'ignored', reason: 'auth-hook' };
  return { kind: 'invalid' };
}

function signup(record: unknown): WebhookIntent {
  const row = z.safeParse(userRow, record);
  if (!row.success) return { kind: 'invalid' };
  return { kind: 'signup', userId: row.data.id, anonymous: row.data.is_anonymous === true };
}
