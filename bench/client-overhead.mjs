// Client overhead per call against the in-process Aura fake (no sockets, no rate limit),
// and the number of token requests when 1,000 calls start at once.
import { AuraClient } from '../dist/index.js';
import { createAuraMock } from '../dist/testing.js';
import { timeCalls } from './timing.mjs';

const credentials = { clientId: 'test-client-id', clientSecret: 'test-client-secret' };
const spec = {
  name: 'bench-instance',
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

function setup() {
  const fake = createAuraMock({ rateLimit: false, creationTimeMs: 0 });
  // The fake's core as `fetch`: a call costs the client plus the fake, never a socket.
  const fetch = (input, init) => fake.handle(new Request(input, init));
  const aura = new AuraClient({ ...credentials, tenantId: 'tenant-1', fetch, rateLimit: false });
  return { fake, fetch, aura };
}

/** `instances.get` through the client vs the same request sent straight to the fake. */
export async function measureClientOverhead(calls = 5_000) {
  const { fetch, aura } = setup();
  const { id } = await aura.instances.create(spec);
  const token = await (
    await fetch('https://api.neo4j.io/oauth/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${credentials.clientId}:${credentials.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
  ).json();
  const raw = () =>
    fetch(`https://api.neo4j.io/v1/instances/${id}`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    }).then((response) => response.json());
  const viaClient = () => aura.instances.get(id);
  for (let i = 0; i < 500; i++) {
    await raw();
    await viaClient();
  }
  const fakeAlone = await timeCalls(calls, raw);
  const client = await timeCalls(calls, viaClient);
  return { client, fakeAlone, overheadP50Us: Math.round(client.p50Us - fakeAlone.p50Us) };
}

/** 1,000 concurrent calls on a fresh client: how many token requests reach Aura. */
export async function measureTokenRequests(concurrent = 1_000) {
  const { fake, aura } = setup();
  await Promise.all(Array.from({ length: concurrent }, () => aura.tenants.list()));
  return fake.requests.filter((request) => request.path === '/oauth/token').length;
}
