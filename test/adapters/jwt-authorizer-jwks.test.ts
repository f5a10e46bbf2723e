import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { supabaseJwtAuthorizer } from '../../src/adapters/jwt-authorizer.js';
import { createWebhookHandler } from '../../src/adapters/webhook-handler.js';
import { createWebhookFixture, JWT_SECRET, SHARED_SECRET, supabaseJwt, uuid } from './support.js';

const user = uuid(1);
const now = () => Math.floor(Date.now() / 1000);

interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

/** A loopback Supabase Auth serving `/auth/v1/.well-known/jwks.json` with the keys published now. */
async function startSupabaseAuth(published: SigningKey[]) {
  const state = { keys: published, fetches: 0, status: 200 };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/auth/v1/.well-known/jwks.json') return res.writeHead(404).end();
    state.fetches++;
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, issuer: `${url}/auth/v1`, state, close: () => server.close() };
}

let auth: Awaited<ReturnType<typeof startSupabaseAuth>>;
let es256: SigningKey;
let rs256: SigningKey;
let unpublished: SigningKey;
beforeAll(async () => {
  [es256, rs256, unpublished] = await Promise.all([
    signingKey('es-1', 'ES256'),
    signingKey('rs-1', 'RS256'),
    signingKey('es-2', 'ES256'),
  ]);
  auth = await startSupabaseAuth([es256, rs256]);
});
afterAll(() => auth.close());
afterEach(() => {
  vi.useRealTimers();
  auth.state.keys = [es256, rs256];
  auth.state.status = 200;
});

/** An access token as Supabase Auth issues it, signed with `key` (its `kid` in the header). */
function accessToken(key: SigningKey, claims: JWTPayload = {}) {
  const standard = { sub: user, iss: auth.issuer, iat: now(), exp: now() + 3600 };
  return new SignJWT({ aud: 'authenticated', role: 'authenticated', ...standard, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

const ask = (authorize: ReturnType<typeof supabaseJwtAuthorizer>, token: string, userId = user) =>
  authorize(new Request('http://x/', { headers: { authorization: `Bearer ${token}` } }), userId);

describe('supabaseJwtAuthorizer with Supabase signing keys (JWKS)', () => {
  it("lets a user read their own status with an ES256 or RS256 token, and nobody else's", async () => {
    const authorize = supabaseJwtAuthorizer({ supabaseUrl: auth.url });
    for (const key of [es256, rs256]) {
      const token = await accessToken(key);
      expect([key.alg, await ask(authorize, token)]).toEqual([key.alg, true]);
      expect([key.alg, await ask(authorize, token, uuid(2))]).toEqual([key.alg, false]);
    }
  });

  it('refuses another user, expired, wrong issuer, wrong audience, unknown kid, forged, alg none and HS256 tokens', async () => {
    const authorize = supabaseJwtAuthorizer({ supabaseUrl: auth.url });
    const valid = await accessToken(es256);
    const [, payload] = valid.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const forged = await accessToken({ ...unpublished, kid: es256.kid });
    const refused: Record<string, string> = {
      'another user': await accessToken(es256, { sub: uuid(2) }),
      expired: await accessToken(es256, { exp: now() - 1 }),
      'not yet valid': await accessToken(es256, { nbf: now() + 600 }),
      'wrong issuer': await accessToken(es256, { iss: 'https://other.supabase.co/auth/v1' }),
      'wrong audience': await accessToken(es256, { aud: 'anon' }),
      'unknown kid': await accessToken(unpublished),
      'forged with a published kid': forged,
      'alg none': `${none}.${payload}.${valid.split('.')[2]}`,
      'RS256 header on an ES256 signature': `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: es256.kid })).toString('base64url')}.${payload}.${valid.split('.')[2]}`,
      'HS256 with the legacy secret': supabaseJwt({ sub: user, exp: now() + 60, iss: auth.issuer }),
    };
    for (const [name, token] of Object.entries(refused)) {
      expect([name, await ask(authorize, token)]).toEqual([name, false]);
    }
    expect(await ask(authorize, valid)).toBe(true);
  });

  it('picks up a new signing key (new kid) once it is published', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const authorize = supabaseJwtAuthorizer({ supabaseUrl: auth.url });
    expect(await ask(authorize, await accessToken(es256))).toBe(true);
    expect(auth.state.fetches).toBeGreaterThan(0);
    const fetchesBefore = auth.state.fetches;
    auth.state.keys = [es256, unpublished];
    // A token with the new kid, past the 30 s a missing kid waits before the JWKS is fetched again.
    vi.advanceTimersByTime(31_000);
    expect(await ask(authorize, await accessToken(unpublished))).toBe(true);
    expect(auth.state.fetches).toBe(fetchesBefore + 1);
    expect(await ask(authorize, await accessToken(es256))).toBe(true);
    expect(await ask(authorize, await accessToken(rs256))).toBe(false); // retired
  });

  it('derives the issuer from supabaseUrl, or takes jwksUrl, issuer and audience as given', async () => {
    const jwksUrl = `${auth.issuer}/.well-known/jwks.json`;
    const token = await accessToken(es256, { iss: 'https://auth.example.com', aud: 'my-api' });
    const strict = supabaseJwtAuthorizer({
      jwksUrl,
      issuer: 'https://auth.example.com',
      audience: 'my-api',
    });
    expect(await ask(strict, token)).toBe(true);
    expect(await ask(strict, await accessToken(es256))).toBe(false);
    const lenient = supabaseJwtAuthorizer({ jwksUrl, audience: null });
    expect(await ask(lenient, token)).toBe(true);
    expect(await ask(supabaseJwtAuthorizer({ supabaseUrl: auth.url }), token)).toBe(false);
    expect(
      await ask(
        supabaseJwtAuthorizer({ supabaseUrl: auth.url, issuer: null, audience: null }),
        token,
      ),
    ).toBe(true);
  });

  it('accepts legacy HS256 tokens next to signing keys only when jwtSecret is given', async () => {
    const legacy = supabaseJwt({ sub: user, exp: now() + 60, iss: auth.issuer });
    const both = supabaseJwtAuthorizer({ supabaseUrl: auth.url, jwtSecret: JWT_SECRET });
    expect(await ask(both, legacy)).toBe(true);
    expect(await ask(both, await accessToken(es256))).toBe(true);
    expect(
      await ask(both, supabaseJwt({ sub: user, exp: now() + 60, iss: 'https://evil.example' })),
    ).toBe(false);
    // The legacy secret alone: no JWKS to verify ES256 with.
    const legacyOnly = supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET });
    expect(await ask(legacyOnly, legacy)).toBe(true);
    expect(await ask(legacyOnly, await accessToken(es256))).toBe(false);
  });

  it('fetches the JWKS through an injected fetch, and never from the network otherwise', async () => {
    const urls: string[] = [];
    const authorize = supabaseJwtAuthorizer({
      supabaseUrl: 'https://abcdefghijklmnop.supabase.co',
      issuer: null,
      fetch: async (url) => {
        urls.push(url);
        return Response.json({ keys: [es256.publicJwk] });
      },
    });
    expect(await ask(authorize, await accessToken(es256))).toBe(true);
    expect(urls).toEqual(['https://abcdefghijklmnop.supabase.co/auth/v1/.well-known/jwks.json']);
  });

  it('refuses options that cannot work, without quoting them', () => {
    const cases = [
      {},
      { jwtSecret: 'short' },
      { supabaseUrl: 'ftp://abc.supabase.co' },
      { supabaseUrl: 'https://user:hunter2@[nope' },
      { jwksUrl: 'not a url' },
    ];
    for (const options of cases) {
      expect(() => supabaseJwtAuthorizer(options)).toThrow(/supabaseJwtAuthorizer/);
      try {
        supabaseJwtAuthorizer(options);
      } catch (error) {
        expect(String(error)).not.toMatch(/short|hunter2|nope|not a url/);
      }
    }
  });

  it('logs neither tokens nor secrets, and answers 401 when the JWKS cannot be fetched', async () => {
    const f = createWebhookFixture();
    const handle = createWebhookHandler({
      provisioner: f.provisioner,
      auth: { sharedSecrets: [SHARED_SECRET] },
      authorizeStatus: supabaseJwtAuthorizer({ supabaseUrl: auth.url, jwtSecret: JWT_SECRET }),
      logger: f.logger,
    });
    await f.provisioner.claimUser(user);
    const tokens = [
      await accessToken(es256),
      await accessToken(es256, { sub: uuid(2) }),
      await accessToken(unpublished),
      supabaseJwt({ sub: user, exp: now() + 60, iss: auth.issuer }),
      supabaseJwt({ sub: user, exp: now() + 60 }, 'some-other-secret-of-32-characters-or-more'),
    ];
    const status = (token: string) =>
      handle(
        new Request(`http://x/webhooks/auth/status/${user}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      ).then((r) => r.status);
    expect(await Promise.all(tokens.map(status))).toEqual([200, 401, 401, 200, 401]);
    // A fresh authorizer whose JWKS answers 500: refused, and the operator told why.
    auth.state.status = 500;
    const down = createWebhookHandler({
      provisioner: f.provisioner,
      auth: { sharedSecrets: [SHARED_SECRET] },
      authorizeStatus: supabaseJwtAuthorizer({ supabaseUrl: auth.url }),
      logger: f.logger,
    });
    const refused = await down(
      new Request(`http://x/webhooks/auth/status/${user}`, {
        headers: { authorization: `Bearer ${tokens[0]}` },
      }),
    );
    expect(refused.status).toBe(401);
    const logs = f.logs.join('\n');
    expect(logs).toContain('status authorizer failed');
    const privateParts = await Promise.all(
      [es256, unpublished].map(async (k) => String((await exportJWK(k.privateKey)).d)),
    );
    for (const secret of [
      JWT_SECRET,
      ...tokens,
      ...tokens.map((t) => t.split('.')[2]),
      ...privateParts,
    ]) {
      expect(logs).not.toContain(secret);
    }
    await f.provisioner.close();
  });
});
