import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAesGcmKey } from '../src/index.js';
import { createAuraMock } from '../src/testing/index.js';
import { usePostgrestMock } from './support/postgrest-server.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

// The provisioning guide's Supabase example, run as written against the PostgREST stand-in and the Aura
// fake (both over MSW), then used to provision one user.
const { server, setup } = usePostgrestMock();

describe('Guide: provisioning with the Supabase store', () => {
  let dir: string;
  const env = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(__dirname, '.readme-'));
  });
  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  it('provisions a user through the service-role Supabase store of the guide', async () => {
    const [code = ''] = await readmeBlocks('### Supabase', 'docs/guides/provisioning.md');
    expect(code).toContain("from 'aura-provisioner/supabase'");
    const postgrest = setup();
    const fake = createAuraMock({ creationTimeMs: 0 });
    server.use(...fake.handlers);
    Object.assign(process.env, {
      SUPABASE_URL: postgrest.url,
      SUPABASE_SERVICE_ROLE_KEY: postgrest.serviceRoleKey,
      AURA_CLIENT_ID: 'test-client-id',
      AURA_CLIENT_SECRET: 'test-client-secret',
      AURA_TENANT_ID: 'tenant-1',
      AURA_PROVISIONER_KEYS: `k1=${generateAesGcmKey()}`,
    });
    const main = await loadAsModule<{ status: string }>(dir, 'supabase', code, {
      provide: ['userId'],
      epilogue: `
  await provisioner.provisionUserDatabase(userId);
  const status = await provisioner.getProvisioningStatus(userId);
  await provisioner.close();
  return status;`,
    });
    const status = await main({ userId: '7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e' });
    expect(status.status).toBe('creating');
    expect(fake.instances).toHaveLength(1);
  });
});
