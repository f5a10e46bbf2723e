// Shared by the examples: a provisioner against the loopback Aura fake, or
// against real Aura when AURA_CLIENT_ID, AURA_CLIENT_SECRET and AURA_TENANT_ID
// are set. In your app: `from 'aura-provisioner'` and `'aura-provisioner/testing'`.
import {
  AuraClient,
  createAesGcmCipher,
  createProvisioner,
  generateAesGcmKey,
  MemoryCredentialStore,
  type Provisioner,
  parseAesGcmKeys,
} from '../../dist/index.js';
import { createAuraMock } from '../../dist/testing.js';
import { DEV_SECRETS } from './dev-secrets.ts';

export interface ExampleSetup {
  provisioner: Provisioner;
  secrets: typeof DEV_SECRETS;
  mode: 'fake' | 'aura';
  close(): Promise<void>;
}

const env = process.env;

/** The secrets from the environment; the development ones only against the fake. */
function secretsFor(mode: 'fake' | 'aura'): typeof DEV_SECRETS {
  const secrets = {
    webhookSecret: env.WEBHOOK_SECRET ?? '',
    authHookSecret: env.AUTH_HOOK_SECRET ?? '',
    jwtSecret: env.SUPABASE_JWT_SECRET ?? '',
  };
  if (mode === 'aura' && !(secrets.webhookSecret || secrets.authHookSecret)) {
    throw new Error(
      'Against real Aura, set WEBHOOK_SECRET and/or AUTH_HOOK_SECRET (and SUPABASE_JWT_SECRET)',
    );
  }
  return mode === 'aura'
    ? secrets
    : {
        webhookSecret: secrets.webhookSecret || DEV_SECRETS.webhookSecret,
        authHookSecret: secrets.authHookSecret || DEV_SECRETS.authHookSecret,
        jwtSecret: secrets.jwtSecret || DEV_SECRETS.jwtSecret,
      };
}

/**
 * Starts what an example server needs: an Aura client (the fake on loopback
 * by default), an in-memory store (use the Supabase or PostgreSQL store in a
 * real app), a cipher, and the provisioner, reconciled once at start-up.
 */
export async function startExampleProvisioner(): Promise<ExampleSetup> {
  const real = Boolean(env.AURA_CLIENT_ID && env.AURA_CLIENT_SECRET && env.AURA_TENANT_ID);
  let aura: AuraClient;
  let stopFake = async () => {};
  if (real) {
    aura = new AuraClient({
      clientId: env.AURA_CLIENT_ID ?? '',
      clientSecret: env.AURA_CLIENT_SECRET ?? '',
      tenantId: env.AURA_TENANT_ID,
      baseUrl: env.AURA_BASE_URL, // unset: https://api.neo4j.io (`aura-provisioner dev` sets it)
    });
  } else {
    const fake = createAuraMock({ creationTimeMs: Number(env.FAKE_CREATION_MS ?? 3_000) });
    const server = await fake.listen();
    stopFake = server.close;
    aura = new AuraClient({
      clientId: 'test-client-id',
      clientSecret: 'test-client-secret',
      tenantId: 'tenant-1',
      baseUrl: server.url,
    });
  }
  // `k1=<base64>,...`, the setting the CLI reads and `aura-provisioner dev` prints; without it,
  // a fresh key per start (fine for the in-memory store only).
  const keys = env.AURA_PROVISIONER_KEYS ?? `k1=${generateAesGcmKey()}`;
  const provisioner = createProvisioner({
    aura,
    store: new MemoryCredentialStore(),
    cipher: createAesGcmCipher(parseAesGcmKeys(keys)),
    instance: {
      type: 'professional-db',
      memory: '1GB',
      region: env.AURA_REGION ?? 'europe-west1',
      cloudProvider: 'gcp',
    },
    // Against the fake, creations take seconds, not minutes: read the status early.
    poll: real ? {} : { expectedCreationMs: 1_000, minIntervalMs: 500 },
    logger: { info: (message, fields) => console.log(message, JSON.stringify(fields)) },
  });
  await provisioner.reconcile();
  const mode = real ? 'aura' : 'fake';
  return {
    provisioner,
    secrets: secretsFor(mode),
    mode,
    async close() {
      await provisioner.close();
      await stopFake();
    },
  };
}
