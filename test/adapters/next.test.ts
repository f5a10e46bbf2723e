import { describe, expect, it } from 'vitest';
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
});
