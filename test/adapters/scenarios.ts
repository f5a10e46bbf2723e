import { expect } from 'vitest';
import { signStandardWebhook } from '../../src/adapters/standard-webhooks.js';
import {
  deleteBody,
  eventually,
  OTHER_WHSEC,
  RECORD_SECRETS,
  SHARED_SECRET,
  signupBody,
  supabaseJwt,
  uuid,
  WHSEC,
} from './support.js';

/** Sends a fetch `Request` to the adapter under test: over HTTP, or straight to a handler. */
export type Send = (request: Request) => Promise<Response>;

const json = { 'content-type': 'application/json' };
const exp = () => Math.floor(Date.now() / 1000) + 600;

export const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  new Request(url, { method: 'POST', body, headers: { ...json, ...headers } });

export const signed = async (url: string, body: string, secret = WHSEC, timestamp?: number) =>
  post(url, body, await signStandardWebhook({ secret, body, timestamp }));

export const statusRequest = (base: string, userId: string, token?: string) =>
  new Request(`${base}/status/${userId}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

/**
 * Drives one user through signup -> ready -> status -> deletion over the
 * adapter, checking every answer's shape and that no record value leaks.
 */
export async function signupToDeletion(send: Send, base: string, userId: string) {
  const answers: string[] = [];
  const keep = async (response: Response) => {
    answers.push(await response.clone().text());
    return response;
  };
  expect((await keep(await send(new Request(`${base}/health`)))).status).toBe(200);

  const accepted = await keep(await send(await signed(`${base}/signup`, signupBody(userId))));
  expect(accepted.status).toBe(202);
  expect(await accepted.json()).toEqual({ userId, status: 'pending' });

  const token = supabaseJwt({ sub: userId, exp: exp() });
  const ready = await eventually(async () => {
    const response = await keep(await send(statusRequest(base, userId, token)));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; ready: boolean };
    return body.ready ? body : undefined;
  });
  expect(ready).toEqual({ userId, status: 'ready', ready: true });

  // Nobody else sees it: no token, another user's token, a token signed with another secret.
  expect((await send(statusRequest(base, userId))).status).toBe(401);
  const other = supabaseJwt({ sub: uuid(999), exp: exp() });
  expect((await send(statusRequest(base, userId, other))).status).toBe(401);
  const forged = supabaseJwt(
    { sub: userId, exp: exp() },
    'another-secret-of-at-least-32-characters!',
  );
  expect((await send(statusRequest(base, userId, forged))).status).toBe(401);

  const deleting = await keep(
    await send(post(`${base}/delete`, deleteBody(userId), { 'x-webhook-secret': SHARED_SECRET })),
  );
  expect(deleting.status).toBe(202);
  expect(await deleting.json()).toEqual({ userId, status: 'deleting' });
  await eventually(async () => {
    const response = await send(statusRequest(base, userId, token));
    return ((await response.json()) as { status: string }).status === 'not_found';
  });
  for (const answer of answers)
    for (const secret of RECORD_SECRETS) expect(answer).not.toContain(secret);
}

/** One hostile or broken delivery and the answer it must get. */
export interface AbuseCase {
  name: string;
  request: (base: string) => Promise<Request> | Request;
  status: number;
}

const victim = uuid(0xbad);
const body = signupBody(victim);

/** Each is answered without a store write or an Aura call. */
export const ABUSE_CASES: AbuseCase[] = [
  {
    name: 'a forged signature',
    request: async (base) => {
      const headers = await signStandardWebhook({ secret: WHSEC, body });
      return post(`${base}/signup`, body, {
        ...headers,
        'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}`,
      });
    },
    status: 401,
  },
  {
    name: 'a signature by another secret',
    request: (base) => signed(`${base}/signup`, body, OTHER_WHSEC),
    status: 401,
  },
  {
    name: 'a replay outside the tolerance',
    request: (base) => signed(`${base}/signup`, body, WHSEC, Math.floor(Date.now() / 1000) - 301),
    status: 401,
  },
  {
    name: 'a timestamp from the future',
    // A minute past the 300 s tolerance: +301 was accepted when the server read its clock more
    // than a second after signing (a loaded machine).
    request: (base) => signed(`${base}/signup`, body, WHSEC, Math.floor(Date.now() / 1000) + 360),
    status: 401,
  },
  {
    name: 'a tampered body with a valid signature for another body',
    request: async (base) => {
      const headers = await signStandardWebhook({ secret: WHSEC, body: signupBody(uuid(0xfee)) });
      return post(`${base}/signup`, body, headers);
    },
    status: 401,
  },
  {
    name: 'a wrong shared secret',
    request: (base) => post(`${base}/signup`, body, { 'x-webhook-secret': `${SHARED_SECRET}x` }),
    status: 401,
  },
  { name: 'no secret at all', request: (base) => post(`${base}/signup`, body), status: 401 },
  {
    name: '1 MB of JSON',
    request: (base) =>
      post(`${base}/signup`, JSON.stringify({ type: 'INSERT', pad: 'x'.repeat(1 << 20) }), {
        'x-webhook-secret': SHARED_SECRET,
      }),
    status: 413,
  },
  {
    name: 'malformed JSON',
    request: (base) => signed(`${base}/signup`, '{"type":"INSERT","record":'),
    status: 400,
  },
  {
    name: 'the wrong table',
    request: (base) =>
      signed(`${base}/signup`, body.replace('"table":"users"', '"table":"profiles"')),
    status: 200,
  },
  {
    name: 'the wrong schema',
    request: (base) =>
      post(`${base}`, body.replace('"schema":"auth"', '"schema":"public"'), {
        'x-webhook-secret': SHARED_SECRET,
      }),
    status: 200,
  },
  {
    name: 'an INSERT without a user id',
    request: (base) => signed(`${base}/signup`, body.replace(`"id":"${victim}"`, '"id":""')),
    status: 400,
  },
];

/** Runs every abuse case and checks the answer; the caller checks that nothing was written or sent. */
export async function runAbuseCases(send: Send, base: string) {
  for (const abuse of ABUSE_CASES) {
    const response = await send(await abuse.request(base));
    expect({ name: abuse.name, status: response.status }).toEqual({
      name: abuse.name,
      status: abuse.status,
    });
    const text = await response.text();
    for (const secret of RECORD_SECRETS) expect(text).not.toContain(secret);
    if (response.status === 401) expect(JSON.parse(text)).toEqual({ error: 'unauthorized' });
  }
}
