/**
 * Plain-fetch helpers for talking to the Aura fake in tests (the SDK client
 * does not exist yet), and MSW wiring with `onUnhandledFrame: 'error'`.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AuraMock } from '../../src/testing/index.js';

/** The fake's default client credentials. */
export const CLIENT = { clientId: 'test-client-id', clientSecret: 'test-client-secret' };

/** An answer, body parsed as JSON when it is JSON. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

const basic = (c: { clientId: string; clientSecret: string }) =>
  `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

async function toAnswer(response: Response): Promise<ApiAnswer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text (malformed-body faults).
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** `POST /oauth/token` with Basic auth and a form body. */
export async function requestToken(
  baseUrl: string,
  credentials = CLIENT,
  form = 'grant_type=client_credentials',
): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: basic(credentials),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: form,
  });
  return toAnswer(response);
}

/** A fresh access token for the default client. */
export async function getToken(baseUrl: string, credentials = CLIENT): Promise<string> {
  const answer = await requestToken(baseUrl, credentials);
  if (answer.status !== 200) throw new Error(`token request answered ${answer.status}`);
  return (answer.body as { access_token: string }).access_token;
}

/** Options of {@link callApi}. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
}

/** Calls `${baseUrl}/v1${path}` with a bearer token and a JSON body. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const hasBody = options.body !== undefined;
  if (hasBody || options.contentType) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${baseUrl}/v1${path}`, {
    method,
    headers,
    body: hasBody ? JSON.stringify(options.body) : undefined,
    signal: options.signal,
  });
  return toAnswer(response);
}

/** A valid create body for the default tenant; override any field. */
export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '5',
    region: 'europe-west1',
    memory: '1GB',
    name: 'user-1',
    type: 'professional-db',
    tenant_id: 'tenant-1',
    cloud_provider: 'gcp',
    ...overrides,
  };
}

/**
 * Serves the given fakes through MSW for the current test file; any request
 * no handler expects fails the test. Resets the fakes after each test.
 */
export function serveWithMsw(...mocks: AuraMock[]): void {
  const server = setupServer(...mocks.flatMap((mock) => mock.handlers));
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    for (const mock of mocks) mock.reset();
  });
  afterAll(() => server.close());
}

/** Shorthand: a token, then a call, against one fake. */
export function apiOf(baseUrl: string) {
  return {
    token: () => getToken(baseUrl),
    call: (method: string, path: string, options?: CallOptions) =>
      callApi(baseUrl, method, path, options),
  };
}
