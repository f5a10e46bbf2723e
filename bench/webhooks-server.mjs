// The server side of bench/webhooks.mjs, in its own process so the load
// generator does not share its event loop: the Express adapter on loopback,
// a provisioner against the in-process Aura fake with Aura's 125/min limit.
import express from 'express';
import { createAuraWebhookRouter } from '../dist/express.js';
import {
  AuraClient,
  createAesGcmCipher,
  createProvisioner,
  generateAesGcmKey,
  MemoryCredentialStore,
} from '../dist/index.js';
import { createAuraMock } from '../dist/testing.js';

const fake = createAuraMock({ creationTimeMs: 60_000 });
const store = new MemoryCredentialStore();
const provisioner = createProvisioner({
  aura: new AuraClient({
    clientId: 'test-client-id',
    clientSecret: 'test-client-secret',
    tenantId: 'tenant-1',
    fetch: (input, init) => fake.handle(new Request(input, init)),
  }),
  store,
  cipher: createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' }),
  instance: {
    type: 'professional-db',
    memory: '1GB',
    region: 'europe-west1',
    cloudProvider: 'gcp',
  },
});
const variant = process.env.BENCH_VARIANT;
const stub = {
  claimUser: async (userId) => ({
    userId,
    status: 'pending',
    attempts: variant === 'noop' ? 1 : 0,
  }),
  provisionUserDatabase: async () => {},
  getProvisioningStatus: provisioner.getProvisioningStatus,
  deprovisionUserDatabase: provisioner.deprovisionUserDatabase,
};
const app = express();
if (variant === 'bare') {
  app.post('/webhooks/auth/signup', express.raw({ type: '*/*' }), (_req, res) => {
    res.status(202).json({ ok: true });
  });
}
app.use(
  createAuraWebhookRouter({
    provisioner: variant ? stub : provisioner,
    auth: { standardWebhookSecrets: [process.env.BENCH_WHSEC ?? ''] },
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('message', async (message) => {
  if (message !== 'stats') return;
  const records = (await store.list({ limit: 100_000 })).records.length;
  const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/instances');
  process.send?.({ records, creates: creates.length, rssMb: process.memoryUsage().rss / 2 ** 20 });
});
process.on('SIGINT', () => process.exit(0));
