import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isAuraError } from '../../../src/aura/index.js';
import { basicCredentials } from './secret-capture.js';
import { CREDENTIALS, INSTANCE_SPEC, rejectionOf, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

const BASIC = basicCredentials(CREDENTIALS.clientId, CREDENTIALS.clientSecret);

/** Every way an error is rendered: message, JSON, inspect (cause chain included). */
const renderings = (error: Error) => [
  error.message,
  JSON.stringify(error),
  inspect(error, { depth: 10 }),
  String(error.cause ?? ''),
];

function expectRedacted(error: Error, secrets: string[]) {
  expect(isAuraError(error)).toBe(true);
  for (const text of renderings(error)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
  expect(error.message).toContain('[REDACTED');
}

describe('an upstream body that echoes a secret', () => {
  it('has the bearer token, client secret and Basic credentials redacted from an API error', async () => {
    const { aura, fake, run } = setup({ client: { retry: { limit: 0 } } });
    let token = '';
    server.use(
      http.get(`${fake.baseUrl}/v1/tenants`, ({ request }) => {
        const header = request.headers.get('authorization') ?? '';
        token = header.replace(/^Bearer /, '');
        const echo = `got ${header}, client ${CREDENTIALS.clientSecret} / ${BASIC}`;
        return HttpResponse.json(
          { errors: [{ message: echo, reason: token, field: encodeURIComponent(token) }] },
          { status: 400 },
        );
      }),
    );
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(token.length).toBeGreaterThan(10);
    expectRedacted(error, [token, CREDENTIALS.clientSecret, BASIC]);
  });

  it('has the Basic header and client secret redacted from a token error', async () => {
    const { aura, fake, run } = setup({ client: { retry: { limit: 0 } } });
    server.use(
      http.post(`${fake.baseUrl}/oauth/token`, ({ request }) =>
        HttpResponse.json(
          {
            error: 'invalid_client',
            error_description: `${request.headers.get('authorization')} is not ${CREDENTIALS.clientSecret}`,
          },
          { status: 401 },
        ),
      ),
    );
    const error = await rejectionOf(run(aura.tenants.list()));
    expectRedacted(error, [CREDENTIALS.clientSecret, BASIC]);
  });

  it('has a secret that ends in a backslash or holds a quote redacted, and the body still read', async () => {
    const secret = 'quote"and-backslash\\';
    const { aura, fake, run } = setup({ client: { clientSecret: secret, retry: { limit: 0 } } });
    server.use(
      http.post(`${fake.baseUrl}/oauth/token`, () =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: `unknown secret ${secret}` },
          { status: 401 },
        ),
      ),
    );
    const error = await rejectionOf(run(aura.tenants.list()));
    expect(error.name).toBe('AuraAuthenticationError');
    expectRedacted(error, [secret, JSON.stringify(secret).slice(1, -1)]);
    expect(error.message).toContain('unknown secret [REDACTED]');
  });

  it('has the token redacted from an unreadable body, even where the snippet is cut', async () => {
    const { aura, fake, run } = setup({ client: { retry: { limit: 0 } } });
    let token = '';
    server.use(
      http.get(`${fake.baseUrl}/v1/tenants`, ({ request }) => {
        token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
        // The token straddles the 200-character cut of the snippet.
        const text = `${'x'.repeat(190)} ${token} <html>proxy</html>`;
        return new HttpResponse(text, { status: 502, headers: { 'content-type': 'text/html' } });
      }),
    );
    const error = await rejectionOf(run(aura.tenants.list()));
    expectRedacted(error, [token, token.slice(0, 9)]);
  });

  it('has an instance password redacted once the client has seen it', async () => {
    const { aura, fake, run } = setup({
      fake: { creationTimeMs: 0 },
      client: { retry: { limit: 0 } },
    });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const password = created.password.reveal();
    server.use(
      http.get(`${fake.baseUrl}/v1/instances/:id`, () =>
        HttpResponse.json({ errors: [{ message: `bad password ${password}` }] }, { status: 409 }),
      ),
    );
    const error = await rejectionOf(run(aura.instances.get(created.id)));
    expectRedacted(error, [password]);
  });
});
