import { describe, expect, it } from 'vitest';
import { createDnsReadinessProbe } from '../../../src/provisioning/dns-probe.js';
import { createHttpReadinessProbe } from '../../../src/provisioning/http-probe.js';
import { createHarness, userIds } from '../harness.js';

const statusReads = (h: ReturnType<typeof createHarness>) =>
  h.fake.requests.filter(
    (r) => r.method === 'GET' && /^\/v1\/instances\/[0-9a-f]{8}$/.test(r.path),
  );

describe('readiness probe', () => {
  it('turns a running instance ready within a probe interval, with one status read', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    const provisioner = h.newProvisioner({
      readinessProbe: async ({ instanceId }) => h.fake.instance(instanceId)?.status === 'running',
    });
    const [user] = userIds(1) as [string];
    const started = h.clock.now();
    await h.run(provisioner.provisionUserDatabase(user));
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(ready.readyAt).not.toBeNull();
    expect((ready.readyAt ?? 0) - started - 150_000).toBeLessThanOrEqual(3_000);
    expect(statusReads(h)).toHaveLength(1);
    await provisioner.close();
  });

  it('turns a running instance ready within a probe interval with the HTTP probe, with one status read', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    const asked: string[] = [];
    // The instance's own endpoint, answering from the fake's state: discovery once running,
    // before that the TypeError fetch throws when the host does not resolve yet.
    const instanceEndpoint = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      asked.push(`${request.method} ${request.url} ${request.headers.get('authorization')}`);
      const id = new URL(request.url).hostname.split('.')[0] ?? '';
      if (h.fake.instance(id)?.status !== 'running') {
        throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
      }
      return Response.json({
        bolt_routing: `neo4j+s://${id}.databases.neo4j.io:7687`,
        neo4j_version: '5.27-aura',
      });
    }) as typeof globalThis.fetch;
    const provisioner = h.newProvisioner({
      readinessProbe: createHttpReadinessProbe({ fetch: instanceEndpoint, clock: h.clock }),
    });
    const [user] = userIds(1) as [string];
    const started = h.clock.now();
    await h.run(provisioner.provisionUserDatabase(user));
    const ready = await h.run(provisioner.waitUntilReady(user));
    expect(ready.readyAt).not.toBeNull();
    expect((ready.readyAt ?? 0) - started - 150_000).toBeLessThanOrEqual(3_000);
    expect(statusReads(h)).toHaveLength(1);
    expect(asked.length).toBeGreaterThan(1);
    expect(new Set(asked)).toEqual(
      new Set([`GET https://${ready.instanceId}.databases.neo4j.io/ null`]),
    );
    await provisioner.close();
  });

  it('stops trusting a probe that says ready too early, so it cannot spend the budget', async () => {
    const readsFor = async (readinessProbe?: () => Promise<boolean>) => {
      const h = createHarness({ creationTimeMs: 150_000 });
      // Planned reads only: the comparison is with the status policy alone.
      const poll = { idleReadIntervalMs: 0 };
      const provisioner = h.newProvisioner(readinessProbe ? { readinessProbe, poll } : { poll });
      const [user] = userIds(1) as [string];
      await h.run(provisioner.provisionUserDatabase(user));
      await h.run(provisioner.waitUntilReady(user));
      await provisioner.close();
      return statusReads(h).length;
    };
    let probes = 0;
    const early = await readsFor(async () => {
      probes++;
      return true;
    });
    expect(probes).toBe(1);
    // The one read the early "ready" asked for, then the status policy as without a probe.
    expect(early).toBe((await readsFor()) + 1);
  });

  it('keeps reading on the status policy when the probe throws', async () => {
    const h = createHarness({ creationTimeMs: 150_000 });
    const provisioner = h.newProvisioner({
      readinessProbe: async () => {
        throw new Error('resolver down');
      },
    });
    const [user] = userIds(1) as [string];
    await h.run(provisioner.provisionUserDatabase(user));
    expect((await h.run(provisioner.waitUntilReady(user))).status).toBe('ready');
    await provisioner.close();
  });
});

describe('createDnsReadinessProbe', () => {
  const instance = {
    instanceId: 'a1b2c3d4',
    connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
  };

  it('looks up the host of the connection URL and answers whether it resolves', async () => {
    const asked: string[] = [];
    const resolving = createDnsReadinessProbe({
      lookup: async (host) => {
        asked.push(host);
        return { address: '203.0.113.7' };
      },
    });
    expect(await resolving(instance)).toBe(true);
    expect(asked).toEqual(['a1b2c3d4.databases.neo4j.io']);
    const missing = createDnsReadinessProbe({
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect(await missing(instance)).toBe(false);
  });

  it('answers "not yet" for a lookup that hangs past its timeout, and for a bad URL', async () => {
    const hanging = createDnsReadinessProbe({ lookup: () => new Promise(() => {}), timeoutMs: 1 });
    expect(await hanging(instance)).toBe(false);
    const any = createDnsReadinessProbe({ lookup: async () => ({}) });
    expect(await any({ instanceId: 'x', connectionUrl: '::not a url::' })).toBe(false);
  });
});
