// Sends a signed signup, as Supabase would, to an example server and polls
// the status route with the user's JWT until the database is ready.
// Usage: node send-signup.ts [--url http://localhost:3000/webhooks/auth] [--user <uuid>] [--shared-secret]
import { parseArgs } from 'node:util';
import { signStandardWebhook } from '../../dist/webhooks.js';
import { DEV_SECRETS } from './dev-secrets.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000/webhooks/auth' },
    user: { type: 'string', default: crypto.randomUUID() },
    'shared-secret': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '60' },
  },
});
const base = values.url.replace(/\/$/, '');
const userId = values.user;
const env = process.env;
const webhookSecret = env.WEBHOOK_SECRET || DEV_SECRETS.webhookSecret;
const authHookSecret = env.AUTH_HOOK_SECRET || DEV_SECRETS.authHookSecret;
const jwtSecret = env.SUPABASE_JWT_SECRET || DEV_SECRETS.jwtSecret;

// The body a Database Webhook on auth.users sends for an INSERT (abridged row).
const body = JSON.stringify({
  type: 'INSERT',
  table: 'users',
  schema: 'auth',
  record: {
    id: userId,
    aud: 'authenticated',
    role: 'authenticated',
    email: `${userId}@example.com`,
    is_anonymous: false,
  },
  old_record: null,
});
const headers = values['shared-secret']
  ? { 'x-webhook-secret': webhookSecret }
  : await signStandardWebhook({ secret: authHookSecret, body });

const started = performance.now();
const accepted = await fetch(`${base}/signup`, {
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
});
console.log(
  `POST ${base}/signup -> ${accepted.status} ${await accepted.text()} in ${(performance.now() - started).toFixed(1)} ms`,
);
if (accepted.status !== 202) process.exit(1);

/** An HS256 JWT as Supabase issues to a signed-in user, through Web Crypto. */
async function userJwt(sub: string): Promise<string> {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, aud: 'authenticated', role: 'authenticated', exp })}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(jwtSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(unsigned));
  return `${unsigned}.${Buffer.from(signature).toString('base64url')}`;
}

const authorization = `Bearer ${await userJwt(userId)}`;
const deadline = Date.now() + Number(values.timeout) * 1000;
let last = '';
while (Date.now() < deadline) {
  const response = await fetch(`${base}/status/${userId}`, { headers: { authorization } });
  const status = (await response.json()) as { status?: string; ready?: boolean };
  if (status.status !== last)
    console.log(`GET ${base}/status/${userId} -> ${response.status} ${JSON.stringify(status)}`);
  last = status.status ?? '';
  if (status.ready) {
    console.log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.exit(0);
  }
  if (response.status !== 200 || status.status === 'failed') process.exit(1);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.error('timed out waiting for the database');
process.exit(1);
