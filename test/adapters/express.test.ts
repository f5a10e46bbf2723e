import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../src/adapters/standard-webhooks.js';
import {
  createAuraWebhookRouter,
  supabaseJwtAuthorizer,
  type WebhookHandlerOptions,
} from '../../src/express.js';
import { post, runAbuseCases, signupToDeletion } from './scenarios.js';
import { postSlowly } from './slow-body.js';
import {
  createWebhookFixture,
  JWT_SECRET,
  SHARED_SECRET,
  signupBody,
  uuid,
  WHSEC,
} from './support.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      const closed = new Promise((resolve) => s.close(resolve));
      s.closeAllConnections();
      return closed;
    }),
  );
});

async function serve(
  configure: (app: express.Express, f: ReturnType<typeof createWebhookFixture>) => void,
) {
  const f = createWebhookFixture();
  const app = express();
  configure(app, f);
  app.get('/app-route', (_req, res) => {
    res.json({ app: true });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ...f, url, base: `${url}/webhooks/auth` };
}

const router = (
  f: ReturnType<typeof createWebhookFixture>,
  options: Partial<WebhookHandlerOptions> = {},
) =>
  createAuraWebhookRouter({
    provisioner: f.provisioner,
    auth: { sharedSecrets: [SHARED_SECRET], standardWebhookSecrets: [WHSEC] },
    authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET }),
    logger: f.logger,
    ...options,
  });

describe('createAuraWebhookRouter (Express on loopback)', () => {
  it('takes a user from signup to ready to deletion over HTTP', async () => {
    const t = await serve((app, f) => {
      app.use(router(f));
      app.use(express.json());
    });
    await signupToDeletion(fetch, t.base, uuid(1));
    expect(t.creates()).toHaveLength(1);
    expect(await (await fetch(`${t.url}/app-route`)).json()).toEqual({ app: true });
    await t.provisioner.close();
  });

  it('answers every abuse case over HTTP without a store write or an Aura call', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    await runAbuseCases(fetch, t.base);
    expect(await t.storeWrites()).toBe(0);
    expect(t.fake.requests).toHaveLength(0);
    await t.provisioner.close();
  });

  it('answers 413 to a chunked body without Content-Length that passes the limit', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    let sent = 0;
    const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(16 * 1024)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${t.base}/signup`, {
      method: 'POST',
      body,
      headers: { 'x-webhook-secret': SHARED_SECRET, 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await t.storeWrites()).toBe(0);
    await t.provisioner.close();
  });

  const mounts = [
    {
      name: 'at the root',
      mount: (app: express.Express, r: Router) => app.use(r),
      base: '/webhooks/auth',
      basePath: undefined,
    },
    {
      name: 'under /webhooks/auth',
      mount: (app: express.Express, r: Router) => app.use('/webhooks/auth', r),
      base: '/webhooks/auth',
      basePath: undefined,
    },
    {
      name: "under /api/hooks with basePath '/supabase'",
      mount: (app: express.Express, r: Router) => app.use('/api/hooks', r),
      base: '/api/hooks/supabase',
      basePath: '/supabase',
    },
  ];
  for (const { name, mount, base, basePath } of mounts) {
    it(`serves every route ${name} over HTTP (${base})`, async () => {
      const t = await serve((app, f) => mount(app, router(f, { basePath })));
      await signupToDeletion(fetch, `${t.url}${base}`, uuid(10));
      const events = await fetch(
        post(`${t.url}${base}`, signupBody(uuid(11)), { 'x-webhook-secret': SHARED_SECRET }),
      );
      expect([events.status, await events.json()]).toEqual([
        202,
        { userId: uuid(11), status: 'pending' },
      ]);
      expect(t.creates()).toHaveLength(2);
      // No doubled base, no default base under a mount, nothing at the bare root.
      const elsewhere = [
        `${base}/webhooks/auth/health`,
        '/health',
        '/api/hooks/health',
        '/api/hooks/webhooks/auth/health',
      ];
      for (const path of elsewhere)
        expect([path, (await fetch(`${t.url}${path}`)).status]).toEqual([path, 404]);
      expect(await (await fetch(`${t.url}/app-route`)).json()).toEqual({ app: true });
      await t.provisioner.close();
    });
  }

  it('serves the root mount alone at /webhooks/auth and lets other paths through', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    expect((await fetch(`${t.url}/webhooks/auth/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/health`)).status).toBe(404);
    const stray = await fetch(
      post(`${t.url}/signup`, signupBody(uuid(5)), { 'x-webhook-secret': SHARED_SECRET }),
    );
    expect(stray.status).toBe(404);
    expect(await t.storeWrites()).toBe(0);
    await t.provisioner.close();
  });

  it('works under a mount path behind express.raw, and refuses a body express.json already parsed', async () => {
    const t = await serve((app, f) => {
      app.use('/api', express.raw({ type: '*/*' }), router(f));
      app.use('/parsed', express.json(), router(f));
    });
    const body = signupBody(uuid(2));
    const headers = { 'x-webhook-secret': SHARED_SECRET };
    expect((await fetch(post(`${t.url}/api/signup`, body, headers))).status).toBe(202);
    const parsed = await fetch(post(`${t.url}/parsed/signup`, signupBody(uuid(3)), headers));
    expect([parsed.status, await parsed.json()]).toEqual([500, { error: 'body_already_parsed' }]);
    expect(t.logs.join('\n')).toContain('mount createAuraWebhookRouter before express.json()');
    expect(await t.store.get(uuid(3))).toBeNull();
    await t.provisioner.close();
  });

  it('answers a wrong secret 401 while its body is still trickling in, and closes the connection', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    const answer = await postSlowly(`${t.base}/signup`, {
      'x-webhook-secret': `${SHARED_SECRET}x`,
    });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([401, { error: 'unauthorized' }]);
    expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
    expect(answer.headers.connection).toBe('close');
    expect(await answer.closed).toBe('server');
    expect(t.logs.join('\n')).toContain('"reason":"wrong-secret"');
    await t.provisioner.close();
  });

  it('refuses missing, stale or malformed Standard Webhooks headers before the body arrives', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    const fresh = await signStandardWebhook({ secret: WHSEC, body: '{}' });
    const stale = await signStandardWebhook({
      secret: WHSEC,
      body: '{}',
      timestamp: Math.floor(Date.now() / 1000) - 3_600,
    });
    const cases = [
      { headers: {}, reason: 'no-credentials' },
      { headers: stale, reason: 'timestamp-outside-tolerance' },
      { headers: { ...fresh, 'webhook-id': '' }, reason: 'missing-headers' },
      { headers: { ...fresh, 'webhook-timestamp': 'soon' }, reason: 'bad-timestamp' },
    ];
    for (const { headers, reason } of cases) {
      const answer = await postSlowly(`${t.base}/signup`, headers);
      expect({ reason, status: answer.status }).toEqual({ reason, status: 401 });
      expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
      expect(await answer.closed).toBe('server');
      expect(t.logs.join('\n')).toContain(`"reason":"${reason}"`);
    }
    await t.provisioner.close();
  });

  it('answers 50 concurrent slow senders without a valid secret 401 and lets every connection go', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    const answers = await Promise.all(
      // Half declare a body under the limit, half one far over it: a stranger gets 401 either way.
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? postSlowly(`${t.base}/signup`, { 'x-webhook-secret': 'not-the-secret' })
          : postSlowly(`${t.base}/signup`, {}, { declaredLength: 1 << 20 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(401));
    for (const answer of answers) expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
    expect(await Promise.all(answers.map((a) => a.closed))).toEqual(Array(50).fill('server'));
    await t.provisioner.close();
  });

  it('still waits for the whole body of a request whose secret is right', async () => {
    const t = await serve((app, f) => app.use(router(f)));
    const bytes = new TextEncoder().encode(signupBody(uuid(4)));
    let release = () => {};
    const halfway = new Promise<void>((resolve) => {
      release = resolve;
    });
    let secondHalfSent = false;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes.subarray(0, 100));
        await halfway;
        secondHalfSent = true;
        controller.enqueue(bytes.subarray(100));
        controller.close();
      },
    });
    const answered = fetch(`${t.base}/signup`, {
      method: 'POST',
      body,
      headers: { 'x-webhook-secret': SHARED_SECRET, 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    setTimeout(release, 300);
    const response = await answered;
    expect(secondHalfSent).toBe(true);
    expect([response.status, await response.json()]).toEqual([
      202,
      { userId: uuid(4), status: 'pending' },
    ]);
    await t.provisioner.close();
  });
});
