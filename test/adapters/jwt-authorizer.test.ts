import { describe, expect, it } from 'vitest';
import { supabaseJwtAuthorizer } from '../../src/adapters/jwt-authorizer.js';
import { JWT_SECRET, supabaseJwt, uuid } from './support.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const seconds = NOW / 1000;
const user = uuid(1);
const authorize = supabaseJwtAuthorizer({ jwtSecret: JWT_SECRET, clock: { now: () => NOW } });
const ask = (token: string | null, userId = user) =>
  authorize(
    new Request('http://x/', {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    }),
    userId,
  );

describe('supabaseJwtAuthorizer', () => {
  it("lets a signed-in user read their own status, and nobody else's", async () => {
    const token = supabaseJwt({ sub: user, exp: seconds + 3600 });
    expect(await ask(token)).toBe(true);
    expect(await ask(token, uuid(2))).toBe(false);
  });

  it('refuses expired, not-yet-valid, wrong-audience, unsigned and forged tokens', async () => {
    const refused = [
      null,
      'not-a-jwt',
      supabaseJwt({ sub: user, exp: seconds }),
      supabaseJwt({ sub: user }),
      supabaseJwt({ sub: user, exp: seconds + 60, nbf: seconds + 30 }),
      supabaseJwt({ sub: user, exp: seconds + 60, aud: 'anon' }),
      supabaseJwt({ sub: user, exp: seconds + 60 }, 'some-other-secret-of-32-characters-or-more'),
    ];
    const valid = supabaseJwt({ sub: user, exp: seconds + 60 });
    const [head, payload] = valid.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    refused.push(`${none}.${payload}.`, `${none}.${payload}.${valid.split('.')[2]}`);
    const tampered = Buffer.from(
      JSON.stringify({ sub: uuid(2), aud: 'authenticated', exp: seconds + 60 }),
    ).toString('base64url');
    refused.push(`${head}.${tampered}.${valid.split('.')[2]}`);
    for (const token of refused) expect(await ask(token)).toBe(false);
  });

  it('accepts an audience list, a custom audience or none, and tolerates skew when told', async () => {
    const listed = supabaseJwt({ sub: user, exp: seconds + 60, aud: ['x', 'authenticated'] });
    expect(await ask(listed)).toBe(true);
    const lenient = supabaseJwtAuthorizer({
      jwtSecret: JWT_SECRET,
      audience: null,
      leewaySeconds: 30,
      clock: { now: () => NOW },
    });
    const justExpired = supabaseJwt({ sub: user, exp: seconds - 10, aud: 'anything' });
    expect(
      await lenient(
        new Request('http://x/', { headers: { authorization: `Bearer ${justExpired}` } }),
        user,
      ),
    ).toBe(true);
    expect(() => supabaseJwtAuthorizer({ jwtSecret: 'short' })).toThrow(/jwtSecret/);
  });
});
