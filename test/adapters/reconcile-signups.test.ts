import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { reconcileSignups, supabaseAuthUsers } from '../../src/adapters/reconcile-signups.js';
import { createWebhookHandler } from '../../src/adapters/webhook-handler.js';
import type { PollScheduler } from '../../src/provisioning/scheduler.js';
import { post } from './scenarios.js';
import { createWebhookFixture, SHARED_SECRET, signupBody, uuid } from './support.js';

/** GoTrue's `GET /auth/v1/admin/users?page&per_page`, over `users`, for a real supabase-js client. */
function supabaseWith(users: { id: string; is_anonymous: boolean }[]) {
  const seen: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname !== '/auth/v1/admin/users') return new Response('{}', { status: 404 });
    const page = Number(url.searchParams.get('page'));
    const perPage = Number(url.searchParams.get('per_page'));
    const slice = users.slice((page - 1) * perPage, page * perPage);
    const body = {
      aud: 'authenticated',
      users: slice.map((u) => ({
        ...u,
        aud: 'authenticated',
        email: `${u.id}@example.com`,
        app_metadata: {},
        user_metadata: {},
        created_at: '2026-01-01T00:00:00Z',
      })),
    };
    return new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json', 'x-total-count': String(users.length) },
    });
  };
  const client = createClient('http://supabase.test', 'service-role-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { fetch },
  });
  return { client, seen };
}

/** A scheduler that never delivers: the process that owned it died. */
const deadScheduler = (): PollScheduler => ({ schedule() {}, start() {}, close: async () => {} });

describe('signups that no webhook brought', () => {
  it('provisions users whose webhook was lost, page by page, skipping anonymous ones', async () => {
    const f = createWebhookFixture();
    const handle = createWebhookHandler({
      provisioner: f.provisioner,
      auth: { sharedSecrets: [SHARED_SECRET] },
    });
    const delivered = uuid(1);
    await handle(
      post('http://x/webhooks/auth/signup', signupBody(delivered), {
        'x-webhook-secret': SHARED_SECRET,
      }),
    );
    const lost = [uuid(2), uuid(3), uuid(4)];
    const supabase = supabaseWith([
      { id: delivered, is_anonymous: false },
      ...lost.map((id) => ({ id, is_anonymous: false })),
      { id: uuid(5), is_anonymous: true },
    ]);
    const report = await reconcileSignups({
      provisioner: f.provisioner,
      users: supabaseAuthUsers(supabase.client, { perPage: 2 }),
    });
    expect(report).toEqual({ checked: 5, claimed: 3, skippedAnonymous: 1 });
    expect(supabase.seen).toEqual(
      [1, 2, 3].map((p) => `GET /auth/v1/admin/users?page=${p}&per_page=2`),
    );
    for (const user of [delivered, ...lost]) {
      expect(
        (await f.provisioner.waitUntilReady(user, { timeoutMs: 5_000, pollIntervalMs: 10 })).status,
      ).toBe('ready');
    }
    expect(await f.store.get(uuid(5))).toBeNull();
    expect(f.creates()).toHaveLength(4);
    expect(
      await reconcileSignups({ provisioner: f.provisioner, users: [{ id: lost[0] as string }] }),
    ).toEqual({ checked: 1, claimed: 0, skippedAnonymous: 0 });
    await f.provisioner.close();
  });

  it('creates the database of a signup acknowledged just before the process died', async () => {
    const f = createWebhookFixture({}, { scheduler: deadScheduler() });
    const dying = { ...f.provisioner, provisionUserDatabase: () => new Promise<never>(() => {}) };
    const handle = createWebhookHandler({
      provisioner: dying,
      auth: { sharedSecrets: [SHARED_SECRET] },
    });
    const user = uuid(6);
    const answer = await handle(
      post('http://x/webhooks/auth', signupBody(user), { 'x-webhook-secret': SHARED_SECRET }),
    );
    expect(answer.status).toBe(202);
    expect((await f.store.get(user))?.status).toBe('pending');
    expect(f.creates()).toHaveLength(0);
    // The next process starts on the same store and reconciles.
    const provisioner = f.newProvisioner();
    expect((await provisioner.reconcile()).resumed).toBe(1);
    expect(
      (await provisioner.waitUntilReady(user, { timeoutMs: 5_000, pollIntervalMs: 10 })).status,
    ).toBe('ready');
    expect(f.creates()).toHaveLength(1);
    await provisioner.close();
    await f.provisioner.close();
  });
});
