/**
 * Serves a fresh PostgREST mock per test through MSW, for the calling test
 * file: requests no handler expects fail the test (`onUnhandledFrame`), and
 * so does any request the mock could not model.
 */
import { createClient } from '@supabase/supabase-js';
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  createPostgrestMock,
  type PostgrestMock,
  type PostgrestMockOptions,
} from './postgrest-mock.js';

/**
 * A supabase-js client on the mock, made as the store's docs say
 * (service-role key, no session). `retry: false` only where a test wants a
 * failed GET reported at once instead of after supabase-js' 7 s of retries.
 */
export function createServiceClient(
  mock: PostgrestMock,
  options: { key?: string; retry?: boolean } = {},
) {
  return createClient(mock.url, options.key ?? mock.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    ...(options.retry === undefined ? {} : { db: { retry: options.retry } }),
  });
}

export function usePostgrestMock(): {
  server: SetupServer;
  setup: (options?: PostgrestMockOptions) => PostgrestMock;
} {
  const server = setupServer();
  const mocks: PostgrestMock[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    const misunderstood = mocks.splice(0).flatMap((mock) => mock.misunderstood);
    server.resetHandlers();
    expect(misunderstood, 'requests the PostgREST mock does not model').toEqual([]);
  });
  afterAll(() => server.close());
  return {
    server,
    setup(options) {
      const mock = createPostgrestMock(options);
      mocks.push(mock);
      server.use(...mock.handlers);
      return mock;
    },
  };
}
