import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const { version } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };

/** A fetch that records the User-Agent of every request, then sends it on. */
function recordingUserAgents() {
  const userAgents: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    // Read the header in place: building a Request from `input` would use up its body.
    const headers = init?.headers
      ? new Headers(init.headers)
      : input instanceof Request
        ? input.headers
        : undefined;
    userAgents.push(headers?.get('user-agent') ?? '(none)');
    return globalThis.fetch(input, init);
  };
  return { fetch, userAgents };
}

describe('User-Agent', () => {
  it('is aura-provisioner/<package version> on token and API requests', async () => {
    const { fetch, userAgents } = recordingUserAgents();
    const { aura, run } = setup({ client: { fetch } });
    await run(aura.tenants.list());
    expect(userAgents).toEqual([`aura-provisioner/${version}`, `aura-provisioner/${version}`]);
  });

  it('carries the userAgent option after the library name', async () => {
    const { fetch, userAgents } = recordingUserAgents();
    const { aura, run } = setup({ client: { fetch, userAgent: 'acme-signup/2.3' } });
    await run(aura.tenants.list());
    expect(userAgents).toEqual([
      `aura-provisioner/${version} acme-signup/2.3`,
      `aura-provisioner/${version} acme-signup/2.3`,
    ]);
  });
});
