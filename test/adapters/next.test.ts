import { describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../src/adapters/standard-webhooks.js';
import { createAuraRouteHandlers, supabaseJwtAuthorizer } from '../../src/next.js';
import { runAbuseCases, signed, signupToDeletion } from './scenarios.js';
import {
  createWebhookFixture,
  JWT_SECRET,
  SHARED_SECRET,
  signupBody,
  uuid,
  WHSEC,
} from './support.js';

const BASE = 'https://app.example.com/webhooks/auth';

/** Stands in for `after` from `next/server`: keeps each promise, as the host would. */
function fakeAfter() {
  const pending: Promise<unknown>[] = [];
  return { after: (promise: Promise<unknown>) => void pending.push(promise), pending };
}

function setup() {
  const f = createWebhookFixture();
  const host = fakeAfter();
  const { GET, POST } = createAuraRouteHandlers({
    provisioner: f.provisioner,
    auth: { sharedSecrets: [SHARED_SECRET], standardWebhookSecrets: [WHSEC] },
    authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET }),
    waitUntil: host.after,
    logger: f.logger,
  });
  // What the App Router does for app/webhooks/auth/[...path]/route.ts: dispatch on the method.
  const send = (request: Request) => (request.method === 'GET' ? GET(request) : POST(request));
  return { ...f, ...host, send };
}

/**
 * A POST whose body never ends: a first chunk, then nothing. Counts the reads past the
 * first, so a test can tell whether the handler waited on the body.
 */
function endlessPost(url: string, headers: Record<string, string>) {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
      pull() {
        pulls++;
        return new Promise<void>(() => {}); // the rest never comes
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'content-length': '60000', ...headers },
    duplex: 'half',
  } as RequestInit);
  return { request, pulls: () => pulls };
}

describe('createAuraRouteHandlers (Next.js App Router)', () => {
  it('takes a user from signup to ready to deletion through GET and POST', async () => {
    const t = setup();
    await signupToDeletion(t.send, BASE, uuid(1));
    expect(t.pending.length).toBeGreaterThanOrEqual(2);
    await Promise.all(t.pending);
    expect(t.creates()).toHaveLength(1);
    await t.provisioner.close();
  });

  it('hands the create to `after`, so a serverless host keeps it alive past the 202', async () => {
    const t = setup();
    const response = await t.send(await signed(`${BASE}/signup`, signupBody(uuid(2))));
    expect(response.status).toBe(202);
    expect(t.pending).toHaveLength(1);
    expect(t.creates()).toHaveLength(0);
    await t.pending[0];
    expect(t.creates()).toHaveLength(1);
    await t.provisioner.close();
  });

  it('answers every abuse case without a store write or an Aura call', async () => {
    const t = setup();
    await runAbuseCases(t.send, BASE);
    expect(t.pending).toHaveLength(0);
    expect(await t.storeWrites()).toBe(0);
    expect(t.fake.requests).toHaveLength(0);
    await t.provisioner.close();
  });

  it('answers a wrong secret or stale signature 401 without reading a body that never ends', async () => {
    const t = setup();
    const stale = await signStandardWebhook({
      secret: WHSEC,
      body: '{}',
      timestamp: Math.floor(Date.now() / 1000) - 3_600,
    });
    const refused: Record<string, string>[] = [
      { 'x-webhook-secret': `${SHARED_SECRET}x` },
      stale,
      {},
    ];
    for (const headers of refused) {
      const endless = endlessPost(`${BASE}/signup`, headers);
      const response = await t.send(endless.request);
      expect([response.status, await response.json()]).toEqual([401, { error: 'unauthorized' }]);
      expect(endless.pulls()).toBe(0);
      expect(endless.request.bodyUsed).toBe(false);
    }
    expect(t.pending).toHaveLength(0);
    await t.provisioner.close();
  });

  it('answers 50 concurrent endless bodies without a valid secret 401', async () => {
    const t = setup();
    const posts = Array.from({ length: 50 }, (_, i) =>
      endlessPost(`${BASE}/signup`, i % 2 ? { 'x-webhook-secret': 'nope' } : {}),
    );
    const responses = await Promise.all(posts.map((p) => t.send(p.request)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(401));
    expect(posts.map((p) => p.pulls())).toEqual(Array(50).fill(0));
    expect(await t.storeWrites()).toBe(0);
    await t.provisioner.close();
  });
});
