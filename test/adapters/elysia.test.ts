import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../src/adapters/standard-webhooks.js';
import { runAbuseCases, signupToDeletion } from './scenarios.js';
import { postSlowly } from './slow-body.js';
import { uuid, WHSEC } from './support.js';

const BUN = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));
const SERVER = fileURLToPath(new URL('./fixtures/elysia-server.ts', import.meta.url));

/** Starts the fixture under Bun; fails loudly (never skips) when Bun cannot run here. */
async function startUnderBun(): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(BUN))
    throw new Error(`Bun is not installed at ${BUN}: run \`npm ci\` (devDependency \`bun\`)`);
  const child = spawn(BUN, ['run', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Bun did not start the Elysia server in 10 s:\n${stderr}`)),
      10_000,
    );
    child.once('error', (error) =>
      reject(new Error(`Bun cannot run on this machine (${BUN}): ${error.message}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`Bun exited with ${code} before listening:\n${stderr}`)),
    );
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = /\{"port":(\d+)\}/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('auraWebhooks (Elysia under Bun, over HTTP)', () => {
  let server: { child: ChildProcess; url: string };
  const state = async () =>
    (await (await fetch(`${server.url}/__test/state`)).json()) as Record<string, unknown>;
  beforeAll(async () => {
    server = await startUnderBun();
  });
  afterAll(() => {
    server?.child.kill('SIGTERM');
  });

  it('runs under Bun, not Node', async () => {
    expect(await state()).toMatchObject({ runtime: expect.stringMatching(/^bun \d/) });
  });

  it('answers every abuse case without a store write or an Aura call', async () => {
    await runAbuseCases(fetch, `${server.url}/webhooks/auth`);
    expect(await state()).toMatchObject({ records: 0, auraRequests: 0 });
  });

  it('takes a user from signup to ready to deletion', async () => {
    await signupToDeletion(fetch, `${server.url}/webhooks/auth`, uuid(1));
    expect(await state()).toMatchObject({ creates: 1 });
    expect(await (await fetch(`${server.url}/app-route`)).json()).toEqual({ app: true });
  });

  it('answers a wrong secret 401 while its body is still trickling in, and closes the connection', async () => {
    const answer = await postSlowly(`${server.url}/webhooks/auth/signup`, {
      'x-webhook-secret': 'not-the-secret-at-all',
    });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([401, { error: 'unauthorized' }]);
    expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
    expect(answer.headers.connection).toBe('close');
    expect(await answer.closed).toBe('server');
  });

  it('refuses stale Standard Webhooks headers before the body arrives', async () => {
    const stale = await signStandardWebhook({
      secret: WHSEC,
      body: '{}',
      timestamp: Math.floor(Date.now() / 1000) - 3_600,
    });
    const answer = await postSlowly(`${server.url}/webhooks/auth/signup`, stale);
    expect(answer.status).toBe(401);
    expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
    expect(await answer.closed).toBe('server');
  });

  it('answers 50 concurrent slow senders without a valid secret 401 and lets every connection go', async () => {
    const before = await state();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? postSlowly(`${server.url}/webhooks/auth/signup`, { 'x-webhook-secret': 'nope' })
          : postSlowly(`${server.url}/webhooks/auth/signup`, {}, { declaredLength: 1 << 20 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(401));
    for (const answer of answers) expect(answer.bodyBytesSent).toBeLessThan(answer.declaredLength);
    expect(await Promise.all(answers.map((a) => a.closed))).toEqual(Array(50).fill('server'));
    expect(await state()).toEqual(before);
  });
});
