import { CliUsageError } from './errors.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** Where `dev signup` posts by default: the webhooks guide's app, on `PORT` (default 3000). */
export const devSignupUrl = (port: string | undefined) =>
  `http://localhost:${port || 3000}/webhooks/auth/signup`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The body a Supabase Database Webhook on `auth.users` sends for a new user:
 * the whole row (made-up values), as Supabase builds it.
 */
export function supabaseSignupBody(userId: string, now: Date): string {
  const at = now.toISOString();
  const email = `${userId.slice(0, 8)}@example.com`;
  const record = {
    instance_id: '00000000-0000-0000-0000-000000000000',
    id: userId,
    aud: 'authenticated',
    role: 'authenticated',
    email,
    encrypted_password: '',
    email_confirmed_at: null,
    confirmation_sent_at: at,
    last_sign_in_at: null,
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    raw_user_meta_data: { sub: userId, email, email_verified: false, phone_verified: false },
    created_at: at,
    updated_at: at,
    phone: null,
    confirmed_at: null,
    is_sso_user: false,
    deleted_at: null,
    is_anonymous: false,
  };
  return JSON.stringify({
    type: 'INSERT',
    table: 'users',
    schema: 'auth',
    record,
    old_record: null,
  });
}

/** `'it'\''s'`: a word for a POSIX shell, whatever it holds. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The `curl` that sends the same request. */
function curlOf(url: string, headers: Record<string, string>, body: string): string {
  return [
    `curl -sS -X POST ${quoted(url)}`,
    ...Object.entries(headers).map(([name, value]) => `  -H ${quoted(`${name}: ${value}`)}`),
    `  -d ${quoted(body)}`,
  ].join(' \\\n');
}

/** What `dev signup` needs: the user (default a fresh id), the URL and the secret. */
export interface DevSignupInput {
  userId: string | undefined;
  url: string | undefined;
  /** `PORT`, the app's port, for the default URL. */
  port: string | undefined;
  /** `AUTH_HOOK_SECRET`: `v1,whsec_<base64>`, as `dev` prints it. */
  secret: string | undefined;
}

/**
 * `dev signup [<userId>]`: posts the signup Supabase sends for a new user to
 * the app's webhook, signed as Standard Webhooks (Supabase Auth Hooks) sign,
 * prints the `curl` that sends the same, then the app's answer. Exit 0 on a
 * 2xx, 1 on another answer, 4 when nothing answers.
 */
export async function runDevSignup(input: DevSignupInput, out: Output): Promise<ExitCode> {
  const userId = input.userId ?? globalThis.crypto.randomUUID();
  if (!UUID.test(userId)) {
    throw new CliUsageError(`"${userId}" is not a user id: Supabase's are UUIDs`);
  }
  const url = input.url ?? devSignupUrl(input.port);
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) {
    throw new CliUsageError(`--url "${url}" is not an http(s) URL`);
  }
  if (!input.secret) {
    throw new CliUsageError(
      'dev signup signs with AUTH_HOOK_SECRET (v1,whsec_...): export what `aura-provisioner dev` prints',
      'configuration',
    );
  }
  // Loaded here: no other command signs webhooks.
  const { signStandardWebhook, WebhookConfigurationError } = await import('../adapters/index.js');
  const body = supabaseSignupBody(userId, new Date());
  let signature: Awaited<ReturnType<typeof signStandardWebhook>>;
  try {
    signature = await signStandardWebhook({ secret: input.secret, body });
  } catch (error) {
    if (!(error instanceof WebhookConfigurationError)) throw error;
    throw new CliUsageError(
      'AUTH_HOOK_SECRET is not a Standard Webhooks secret (v1,whsec_<base64>)',
      'configuration',
    );
  }
  const headers = { 'content-type': 'application/json', ...signature };
  out.text([`Signup of user ${userId}; the same with curl (valid 5 minutes):`, '']);
  out.text([curlOf(url, headers, body), '']);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body });
  } catch {
    out.failure({
      exitCode: EXIT_CODES.unavailable,
      code: 'app_unavailable',
      message: `nothing answers at ${url}: start your app (or give --url)`,
    });
    return EXIT_CODES.unavailable;
  }
  const answer = await response.text();
  out.result({ userId, url, status: response.status, body: answer }, () => [
    `${response.status} ${answer}`,
  ]);
  return response.ok ? EXIT_CODES.ok : EXIT_CODES.problems;
}
