import { describe, expect, it } from 'vitest';
import { isWebhookError, WebhookConfigurationError } from '../../src/adapters/errors.js';
import { supabaseJwtAuthorizer } from '../../src/adapters/jwt-authorizer.js';
import { signStandardWebhook } from '../../src/adapters/standard-webhooks.js';
import {
  createWebhookHandler,
  type WebhookHandlerOptions,
} from '../../src/adapters/webhook-handler.js';
import { isProvisioningError } from '../../src/records/errors.js';
import { post, runAbuseCases, signed, signupToDeletion, statusRequest } from './scenarios.js';
import {
  authHookBody,
  createWebhookFixture,
  eventually,
  JWT_SECRET,
  RECORD_SECRETS,
  SHARED_SECRET,
  signupBody,
  supabaseJwt,
  uuid,
  WHSEC,
} from './support.js';

const BASE = 'http://app.test/webhooks/auth';

function setup(options: Partial<WebhookHandlerOptions> = {}) {
  const f = createWebhookFixture();
  const handle = createWebhookHandler({
    provisioner: f.provisioner,
    auth: { sharedSecrets: [SHARED_SECRET], standardWebhookSecrets: [WHSEC] },
    authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET }),
    logger: f.logger,
    ...options,
  });
  return { ...f, handle };
}

describe('createWebhookHandler', () => {
  it('takes a user from signup to ready to deletion, and logs no record value', async () => {
    const t = setup();
    await signupToDeletion(t.handle, BASE, uuid(1));
    expect(t.creates()).toHaveLength(1);
    expect(t.fake.instances).toHaveLength(0);
    const logs = t.logs.join('\n');
    expect(logs).toContain(uuid(1));
    for (const secret of RECORD_SECRETS) expect(logs).not.toContain(secret);
    await t.provisioner.close();
  });

  it('answers every abuse case without a store write or an Aura call', async () => {
    const t = setup();
    await runAbuseCases(t.handle, BASE);
    expect(await t.storeWrites()).toBe(0);
    expect(t.fake.requests).toHaveLength(0);
    expect(t.logs.join('\n')).not.toContain('encrypted_password');
    await t.provisioner.close();
  });

  it('answers 202 to 20 redeliveries of one signup, some concurrent, and creates one instance', async () => {
    const t = setup();
    const user = uuid(2);
    const body = signupBody(user);
    // Auth Hooks retry with a new webhook-id each time; pg_net resends nothing, but people do.
    const deliver = async (i: number) =>
      t.handle(
        i % 2
          ? await signed(`${BASE}`, body)
          : post(`${BASE}/signup`, body, { 'x-webhook-secret': SHARED_SECRET }),
      );
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => deliver(i)));
    for (let i = 10; i < 20; i++) answers.push(await deliver(i));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    await t.provisioner.waitUntilReady(user, { timeoutMs: 5_000, pollIntervalMs: 10 });
    const late = await t.handle(await signed(`${BASE}/signup`, body));
    expect(await late.json()).toEqual({ userId: user, status: 'ready' });
    expect(t.creates()).toHaveLength(1);
    expect(t.fake.instances).toHaveLength(1);
    await t.provisioner.close();
  });

  it('answers before the create call and hands waitUntil a promise that settles once it is sent', async () => {
    const work: Promise<unknown>[] = [];
    const t = setup({ waitUntil: (promise) => work.push(promise) });
    const response = await t.handle(await signed(`${BASE}/signup`, signupBody(uuid(3))));
    expect(response.status).toBe(202);
    expect(t.creates()).toHaveLength(0);
    expect(work).toHaveLength(1);
    await work[0];
    expect(t.creates()).toHaveLength(1);
    expect((await t.store.get(uuid(3)))?.status).toBe('creating');
    // A redelivery finds the create sent: nothing more to wait for.
    await t.handle(await signed(`${BASE}/signup`, signupBody(uuid(3))));
    expect(work).toHaveLength(1);
    await t.provisioner.close();
  });

  it('hands waitUntil a promise that settles, never rejects, when the create fails', async () => {
    const work: Promise<unknown>[] = [];
    const t = setup({ waitUntil: (promise) => work.push(promise) });
    t.fake.faults.failNext(1, { status: 400, match: { method: 'POST', path: '/instances' } });
    const response = await t.handle(
      post(`${BASE}/signup`, signupBody(uuid(4)), { 'x-webhook-secret': SHARED_SECRET }),
    );
    expect(response.status).toBe(202);
    await expect(work[0]).resolves.toBeUndefined();
    expect(await t.store.get(uuid(4))).toMatchObject({ status: 'failed' });
    await t.provisioner.close();
  });

  it('creates through the scheduler only: a provisioner without provisionUserDatabase serves signups', async () => {
    const t = setup();
    const { provisionUserDatabase: _unused, ...rest } = t.provisioner;
    const handle = createWebhookHandler({
      provisioner: rest,
      auth: { sharedSecrets: [SHARED_SECRET] },
    });
    const response = await handle(
      post(`${BASE}/signup`, signupBody(uuid(7)), { 'x-webhook-secret': SHARED_SECRET }),
    );
    expect(response.status).toBe(202);
    await t.provisioner.waitUntilReady(uuid(7), { timeoutMs: 5_000, pollIntervalMs: 10 });
    expect(t.creates()).toHaveLength(1);
    await t.provisioner.close();
  });

  it('skips anonymous users unless told otherwise, and provisions them when they upgrade', async () => {
    const t = setup();
    const user = uuid(5);
    const anonymous = signupBody(user, { is_anonymous: true, email: null });
    const skipped = await t.handle(await signed(`${BASE}/signup`, anonymous));
    expect(await skipped.json()).toEqual({ userId: user, status: 'skipped' });
    expect(await t.storeWrites()).toBe(0);
    const upgrade = JSON.stringify({
      ...JSON.parse(signupBody(user)),
      type: 'UPDATE',
      old_record: JSON.parse(anonymous).record,
    });
    expect((await t.handle(await signed(BASE, upgrade))).status).toBe(202);
    const other = uuid(6);
    const permissive = createWebhookHandler({
      provisioner: t.provisioner,
      auth: { standardWebhookSecrets: [WHSEC] },
      provisionAnonymousUsers: true,
    });
    expect(
      (await permissive(await signed(`${BASE}/signup`, signupBody(other, { is_anonymous: true }))))
        .status,
    ).toBe(202);
    expect((await t.store.get(user))?.status).toBeDefined();
    expect((await t.store.get(other))?.status).toBeDefined();
    await t.provisioner.close();
  });

  it('lets a before-user-created Auth Hook through with `{}` and provisions nothing', async () => {
    const t = setup();
    const response = await t.handle(await signed(BASE, authHookBody()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(await t.storeWrites()).toBe(0);
    await t.provisioner.close();
  });

  it('keeps each route to its event: a DELETE on /signup and an INSERT on /delete change nothing', async () => {
    const t = setup();
    const user = uuid(7);
    const onDelete = await t.handle(await signed(`${BASE}/delete`, signupBody(user)));
    expect(await onDelete.json()).toEqual({ status: 'ignored' });
    expect(await t.storeWrites()).toBe(0);
    await t.provisioner.close();
  });

  it('answers 401 on the status route to everyone when no authorizer is configured', async () => {
    const t = setup({ authorizeStatus: undefined });
    await t.handle(await signed(`${BASE}/signup`, signupBody(uuid(8))));
    const token = supabaseJwt({ sub: uuid(8), exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await t.handle(statusRequest(BASE, uuid(8), token))).status).toBe(401);
    const throwing = createWebhookHandler({
      provisioner: t.provisioner,
      auth: { sharedSecrets: [SHARED_SECRET] },
      authorizeStatus: () => Promise.reject(new Error('auth backend down')),
    });
    expect((await throwing(statusRequest(BASE, uuid(8), token))).status).toBe(401);
    await t.provisioner.close();
  });

  it('accepts every configured secret, a custom header name, and several signatures in one header', async () => {
    const t = setup({
      auth: {
        sharedSecrets: ['old-secret-0123456789', 'new-secret-0123456789'],
        headerName: 'X-Hook-Token',
        standardWebhookSecrets: [WHSEC],
      },
    });
    for (const [i, secret] of ['old-secret-0123456789', 'new-secret-0123456789'].entries()) {
      const response = await t.handle(
        post(`${BASE}/signup`, signupBody(uuid(10 + i)), { 'x-hook-token': secret }),
      );
      expect(response.status).toBe(202);
    }
    const body = signupBody(uuid(12));
    const good = await signStandardWebhook({ secret: WHSEC, body });
    const header = `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz ${good['webhook-signature']}`;
    const response = await t.handle(
      post(`${BASE}/signup`, body, { ...good, 'webhook-signature': header }),
    );
    expect(response.status).toBe(202);
    await t.provisioner.close();
  });

  it('answers 404 off its routes, 405 to a wrong method, 400 to a bad user id, 503 when the store fails', async () => {
    const t = setup();
    expect((await t.handle(new Request(`${BASE}/elsewhere`))).status).toBe(404);
    expect((await t.handle(new Request('http://app.test/other'))).status).toBe(404);
    const wrong = await t.handle(new Request(`${BASE}/signup`));
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    const spaced = await t.handle(await signed(`${BASE}/signup`, signupBody(' padded ')));
    expect(spaced.status).toBe(400);
    const broken = createWebhookHandler({
      provisioner: { ...t.provisioner, claimUser: () => Promise.reject(new Error('store down')) },
      auth: { sharedSecrets: [SHARED_SECRET] },
      logger: t.logger,
    });
    const down = await broken(
      post(`${BASE}/signup`, signupBody(uuid(13)), { 'x-webhook-secret': SHARED_SECRET }),
    );
    expect([down.status, await down.json()]).toEqual([503, { error: 'unavailable' }]);
    await t.provisioner.close();
  });

  it('serves the routes under another base path', async () => {
    const t = setup({ basePath: 'hooks/' });
    const response = await t.handle(
      await signed('http://app.test/hooks/signup', signupBody(uuid(14))),
    );
    expect(response.status).toBe(202);
    expect((await t.handle(new Request('http://app.test/hooks/health'))).status).toBe(200);
    await eventually(async () => (await t.store.get(uuid(14)))?.status === 'ready');
    await t.provisioner.close();
  });

  it('refuses to run open or with weak secrets', () => {
    const f = createWebhookFixture();
    expect(() => createWebhookHandler({ provisioner: f.provisioner, auth: {} })).toThrow(
      /never runs open/,
    );
    expect(() =>
      createWebhookHandler({ provisioner: f.provisioner, auth: { sharedSecrets: ['short'] } }),
    ).toThrow(/at least 16/);
    expect(() =>
      createWebhookHandler({
        provisioner: f.provisioner,
        auth: { standardWebhookSecrets: ['v1,whsec_!!'] },
      }),
    ).toThrow(/Standard Webhooks secret/);
    expect(() =>
      createWebhookHandler({
        provisioner: f.provisioner,
        auth: { sharedSecrets: [SHARED_SECRET] },
        basePath: '/a b',
      }),
    ).toThrow(/base path/);
    void f.provisioner.close();
  });

  it('throws a WebhookConfigurationError for options that cannot work, not a provisioning error', () => {
    const f = createWebhookFixture();
    let caught: unknown;
    try {
      createWebhookHandler({ provisioner: f.provisioner, auth: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookConfigurationError);
    expect(caught).toMatchObject({
      name: 'WebhookConfigurationError',
      code: 'invalid_configuration',
    });
    expect(isWebhookError(caught, 'invalid_configuration')).toBe(true);
    expect(isProvisioningError(caught)).toBe(false);
    expect(() => supabaseJwtAuthorizer({ jwtSecret: 'short' })).toThrow(WebhookConfigurationError);
    void f.provisioner.close();
  });
});
