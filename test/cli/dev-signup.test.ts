import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuraWebhookRouter } from '../../src/express.js';
import { createWebhookFixture, SHARED_SECRET, WHSEC } from '../adapters/support.js';
import { runCli } from './harness.js';

const USER = '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e';

describe('dev signup: a signed Supabase signup sent to the app over loopback', () => {
  const f = createWebhookFixture();
  const received: { headers: Record<string, unknown>; body: unknown }[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    // What the adapter was sent, read beside it (the adapter reads the raw body itself).
    app.use((request, _response, next) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => received.push({ headers: request.headers, body: JSON.parse(body) }));
      next();
    });
    // Standard Webhooks only: a request that is not signed right gets 401.
    app.use(
      createAuraWebhookRouter({
        provisioner: f.provisioner,
        auth: { standardWebhookSecrets: [WHSEC] },
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/auth/signup`;
  });
  afterAll(async () => {
    await f.provisioner.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('claims the user (202), with the body of a Database Webhook INSERT on auth.users', async () => {
    const run = await runCli(['dev', 'signup', USER, '--url', url], { AUTH_HOOK_SECRET: WHSEC });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`202 {"userId":"${USER}","status":"pending"}`);
    expect((await f.store.get(USER))?.userId).toBe(USER);
    const [sent] = received;
    expect(sent?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': expect.stringMatching(/^msg_/),
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
    expect(sent?.body).toMatchObject({
      type: 'INSERT',
      table: 'users',
      schema: 'auth',
      record: { id: USER, aud: 'authenticated', role: 'authenticated', is_anonymous: false },
      old_record: null,
    });
  });

  it('prints a curl that a shell runs as is: the same request, answered the same', async () => {
    const user = '0f6c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098';
    const run = await runCli(['dev', 'signup', user, '--url', url], { AUTH_HOOK_SECRET: WHSEC });
    const curl = /^curl [\s\S]*?'\n/m.exec(run.stdout)?.[0] ?? '';
    expect(curl).toContain(`-X POST '${url}'`);
    // Again after the first: the redelivery changes nothing and answers 202 again.
    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl.trim()} -w ' %{http_code}'`]);
    expect(stdout).toMatch(new RegExp(`^\\{"userId":"${user}","status":"\\w+"\\} 202$`));
    expect(received.at(-1)?.body).toEqual(received.at(-2)?.body);
  });

  it("without --url: the app's PORT, on localhost", async () => {
    const port = new URL(url).port;
    const run = await runCli(['dev', 'signup'], { AUTH_HOOK_SECRET: WHSEC, PORT: port });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`-X POST 'http://localhost:${port}/webhooks/auth/signup'`);
  });

  it('a fresh user id when none is given', async () => {
    const run = await runCli(['dev', 'signup', '--url', url, '--json'], {
      AUTH_HOOK_SECRET: WHSEC,
    });
    expect(run.code).toBe(0);
    const { userId, status } = run.json<{ userId: string; status: number }>();
    expect(status).toBe(202);
    expect((await f.store.get(userId))?.status).toBeDefined();
  });

  it('another secret: the app answers 401, exit 1, nothing claimed', async () => {
    const user = '11111111-2222-4333-8444-555555555555';
    const other = `v1,whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    const run = await runCli(['dev', 'signup', user, '--url', url], { AUTH_HOOK_SECRET: other });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^401 /m);
    expect(await f.store.get(user)).toBeNull();
  });

  it('bad input: a clear error and exit 2, nothing sent', async () => {
    const before = received.length;
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['dev', 'signup', 'not-a-uuid', '--url', url], { AUTH_HOOK_SECRET: WHSEC }, /not a user id/],
      [['dev', 'signup', USER, '--url', url], {}, /AUTH_HOOK_SECRET/],
      [['dev', 'signup', USER, '--url', url], { AUTH_HOOK_SECRET: SHARED_SECRET }, /v1,whsec_/],
      [['dev', 'signup', USER, '--url', 'localhost:3000'], { AUTH_HOOK_SECRET: WHSEC }, /--url/],
      [['dev', 'signup', USER, 'extra'], { AUTH_HOOK_SECRET: WHSEC }, /one user id/],
      [['dev', 'other'], {}, /no arguments but signup/],
    ];
    for (const [argv, env, message] of cases) {
      const run = await runCli(argv, env);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      // The secret never appears in what the CLI says.
      expect(run.stderr + run.stdout).not.toContain(SHARED_SECRET);
    }
    expect(received.length).toBe(before);
  });

  it('nothing listening: exit 4, saying where it posted', async () => {
    const closed = url.replace(/:\d+\//, ':1/');
    const run = await runCli(['dev', 'signup', USER, '--url', closed], { AUTH_HOOK_SECRET: WHSEC });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`nothing answers at ${closed}`);
  });
});
