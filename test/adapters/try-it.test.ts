import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuraWebhookRouter } from '../../src/express.js';
import { createWebhookFixture, SHARED_SECRET } from './support.js';

/** The webhooks guide's `curl` under "Try it", read as a shell would: URL, headers, body. */
function guideCurl(env: Record<string, string>) {
  const guide = readFileSync('docs/guides/webhooks.md', 'utf8');
  const section = guide.slice(guide.indexOf('## Try it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const command = block.split('\n# ')[0]?.replace(/\\\n\s*/g, ' ') ?? '';
  const expand = (text: string) => text.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? '');
  const url = /-X POST (\S+)/.exec(command)?.[1] ?? '';
  const headers = [...command.matchAll(/-H (?:'([^']*)'|"([^"]*)")/g)].map(([, single, double]) =>
    single !== undefined ? single : expand(double ?? ''),
  );
  const body = /-d '([^']*)'/.exec(command)?.[1] ?? '';
  const expected = /^# (\{.*\}) \((\d+)\)$/m.exec(block);
  return {
    url,
    headers: Object.fromEntries(
      headers.map((h) => [h.split(':')[0], h.slice(h.indexOf(':') + 1).trim()]),
    ),
    body,
    answer: expected?.[1] ?? '',
    status: Number(expected?.[2]),
  };
}

describe("the webhooks guide's curl", () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('claims the user as written, answers what the guide shows, and again changes nothing', async () => {
    const f = createWebhookFixture();
    const app = express();
    app.use(
      createAuraWebhookRouter({
        provisioner: f.provisioner,
        auth: { sharedSecrets: [SHARED_SECRET] },
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    const curl = guideCurl({ WEBHOOK_SECRET: SHARED_SECRET });
    expect(curl.url).toBe('http://localhost:3000/webhooks/auth/signup');
    const send = () =>
      fetch(curl.url.replace('http://localhost:3000', `http://127.0.0.1:${port}`), {
        method: 'POST',
        headers: curl.headers,
        body: curl.body,
      });
    const first = await send();
    expect(first.status).toBe(curl.status);
    expect(await first.json()).toEqual(JSON.parse(curl.answer));
    const again = await send();
    expect(again.status).toBe(202);
    const userId = JSON.parse(curl.body).record.id as string;
    expect((await f.store.get(userId))?.userId).toBe(userId);
  });
});
