import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type FakeBoltServer, startFakeBoltServer } from './fake-bolt-server.js';

/**
 * The two servers a hosted user's clients meet in these tests: MSW for the
 * Query API (unhandled requests fail the test) and a fake Bolt server, new
 * for each test. Read `bolt` inside a test, after `beforeEach` set it.
 */
export function useHostServers() {
  const servers = { api: setupServer(), bolt: undefined as unknown as FakeBoltServer };
  beforeAll(() => servers.api.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => servers.api.resetHandlers());
  afterAll(() => servers.api.close());
  beforeEach(async () => {
    servers.bolt = await startFakeBoltServer();
  });
  afterEach(async () => {
    await servers.bolt.close();
  });
  return servers;
}
