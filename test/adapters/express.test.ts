import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuraWebhookRouter, supabaseJwtAuthorizer } from '../../src/express.js';
import { post, runAbuseCases, signupToDeletion } from './scenarios.js';
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

const router = (f: ReturnType<typeof createWebhookFixture>) =>
  createAuraWebhookRouter({
    provisioner: f.provisioner,
    auth: { sharedSecrets: [SHARED_SECRET], standardWebhookSecrets: [WHSEC] },
    authorizeStatus: supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET }),
    logger: f.logger,
  });

describe('createAuraWebhookRouter (Express 5 on loopback)', () => {
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

  it('works under a mount path and behind express.raw, and refuses a body express.json already parsed', async () => {
    const t = await serve((app, f) => {
      app.use('/api', express.raw({ type: '*/*' }), router(f));
      app.use('/parsed', express.json(), router(f));
    });
    const body = signupBody(uuid(2));
    const headers = { 'x-webhook-secret': SHARED_SECRET };
    expect((await fetch(post(`${t.url}/api/webhooks/auth/signup`, body, headers))).status).toBe(
      202,
    );
    const parsed = await fetch(
      post(`${t.url}/parsed/webhooks/auth/signup`, signupBody(uuid(3)), headers),
    );
    expect([parsed.status, await parsed.json()]).toEqual([500, { error: 'body_already_parsed' }]);
    expect(t.logs.join('\n')).toContain('mount createAuraWebhookRouter before express.json()');
    expect(await t.store.get(uuid(3))).toBeNull();
    await t.provisioner.close();
  });
});
