import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/doctor-checks.js';
import { DEFAULT_INSTANCE_CONFIGURATIONS } from '../../src/testing/index.js';
import {
  expectNoSecrets,
  KEY,
  OTHER_KEY,
  runCli,
  seedUser,
  useCliWorld,
  uuids,
} from './harness.js';

const world = useCliWorld({
  tenants: [
    { id: 'tenant-1', name: 'Main', instanceConfigurations: [...DEFAULT_INSTANCE_CONFIGURATIONS] },
    { id: 'tenant-2', name: 'Staging' },
  ],
});

interface DoctorJson {
  ok: boolean;
  checks: CheckResult[];
  settings: { name: string; source: string | null; value?: string | null }[];
}

async function doctor(env: Record<string, string | undefined> = {}) {
  const run = await runCli(['doctor', '--json'], { ...world.env, ...env });
  expectNoSecrets(run, world.secrets);
  const report = run.json<DoctorJson>();
  const check = (id: CheckResult['id']) => report.checks.find((c) => c.id === id) as CheckResult;
  return { run, report, check };
}

describe('aura-provisioner doctor', () => {
  it('passes every check against a working setup, and decrypts the stored credentials', async () => {
    await seedUser(world, uuids(1, 1)[0] as string);
    const { run, report, check } = await doctor();
    expect(run.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'],
      ['aura-credentials', 'pass'],
      ['tenant', 'pass'],
      ['instance-spec', 'pass'],
      ['rate-limit', 'pass'],
      ['store', 'pass'],
      ['cipher', 'pass'],
    ]);
    expect(check('cipher').detail).toMatch(/decrypted 1 of 1 sampled/);
    expect(check('rate-limit').detail).toMatch(/no 429 in \d+ requests .* 125 calls per 60 s/);
    expect(check('rate-limit').detail).toMatch(/25 a minute: set rateLimit/);
    expect(check('store').detail).toMatch(/hosts table \S+\.aura_hosts is readable \(0 hosts\)/);
    expect(report.settings.find((s) => s.name === 'clientSecret')).toEqual({
      name: 'clientSecret',
      env: 'AURA_CLIENT_SECRET',
      source: 'env',
    });
  });

  it('prints one line per check and a verdict as text', async () => {
    const run = await runCli(['doctor'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PASS {2}configuration/m);
    expect(run.stdout).toMatch(/^PASS {2}cipher keys/m);
    expect(run.stdout).toContain('Every check passed.');
    expectNoSecrets(run, world.secrets);
  });

  it('catches a wrong client secret, and skips what needs the credentials', async () => {
    const { run, check } = await doctor({ AURA_CLIENT_SECRET: 'wrong-secret-value-123' });
    expect(run.code).toBe(1);
    expect(check('aura-credentials')).toMatchObject({ status: 'fail' });
    expect(check('aura-credentials').detail).toMatch(/refused the credentials.*401/);
    expect(check('aura-credentials').fix).toMatch(/AURA_CLIENT_SECRET/);
    expect(check('tenant').status).toBe('skip');
    expect(check('instance-spec').status).toBe('skip');
    expect(check('store').status).toBe('pass');
    expect(run.stdout).not.toContain('wrong-secret-value-123');
  });

  it('catches an unknown tenant and lists the tenants the credentials can use', async () => {
    const { run, check } = await doctor({ AURA_TENANT_ID: 'no-such-tenant' });
    expect(run.code).toBe(1);
    expect(check('tenant')).toMatchObject({ status: 'fail' });
    expect(check('tenant').detail).toContain('"no-such-tenant"');
    expect(check('tenant').fix).toBe(
      'Set AURA_TENANT_ID to one of: tenant-1 (Main), tenant-2 (Staging).',
    );
    expect(check('instance-spec').status).toBe('skip');
  });

  it('catches a spec the tenant does not offer and names the nearest offers', async () => {
    const { run, check } = await doctor({ AURA_INSTANCE_MEMORY: '16GB' });
    expect(run.code).toBe(1);
    expect(check('instance-spec')).toMatchObject({
      status: 'fail',
      detail: 'tenant tenant-1 does not offer professional-db 16GB on gcp europe-west1',
    });
    expect(check('instance-spec').fix).toContain(
      'professional-db 1GB on gcp europe-west1; professional-db 2GB on gcp europe-west1; professional-db 4GB on gcp europe-west1',
    );
  });

  it.each([
    ['a key of the wrong length', `k1=${KEY.slice(0, 24)}`, /must be 32 bytes.*but it is 18 bytes/],
    ['a key that is not base64', 'k1=not*base64*at*all', /is not valid base64/],
    ['a key without its id', KEY, /entry 1 of 1 does not start with a key id/],
    [
      'a current key that is not among the keys',
      `k1=${KEY}`,
      /currentKeyId "k9" is not among the keys/,
      'k9',
    ],
  ])('catches %s without printing it', async (_what, keys, message, current?: string) => {
    const { run, check } = await doctor({
      AURA_PROVISIONER_KEYS: keys,
      AURA_PROVISIONER_CURRENT_KEY: current,
    });
    expect(run.code).toBe(1);
    expect(check('cipher')).toMatchObject({ status: 'fail' });
    expect(check('cipher').detail).toMatch(message);
    expect(check('cipher').fix).toMatch(/openssl rand -base64 32/);
    expect(check('config').status).toBe('pass');
    expect(run.stdout).not.toContain(keys.replace(/^k1=/, ''));
  });

  it('catches a well-formed key that cannot decrypt the stored credentials', async () => {
    const { run, check } = await doctor({ AURA_PROVISIONER_KEYS: `k1=${OTHER_KEY}` });
    expect(run.code).toBe(1);
    expect(check('cipher').detail).toMatch(/cannot decrypt 1 of 1 sampled stored credentials/);
    expect(check('cipher').fix).toMatch(/key ids in use: k1/);
    expect(run.stdout).not.toContain(OTHER_KEY);
  });

  it('catches a missing table and says how to create it', async () => {
    const { run, check } = await doctor({ AURA_PROVISIONER_TABLE: 'public.no_such_table' });
    expect(run.code).toBe(1);
    expect(check('store').detail).toMatch(/does not exist.*42P01/);
    expect(check('store').fix).toContain('run `aura-provisioner migrate`');
    expect(check('cipher').detail).toMatch(/stored credentials not checked/);
  });

  it('reports missing and invalid settings, and still runs the checks it can', async () => {
    const { run, check } = await doctor({
      AURA_CLIENT_SECRET: undefined,
      AURA_INSTANCE_CLOUD_PROVIDER: 'ibm',
    });
    expect(run.code).toBe(1);
    expect(check('config').detail).toContain(
      'AURA_CLIENT_SECRET (or clientSecret in --config) is not set',
    );
    expect(check('config').detail).toContain(
      'AURA_INSTANCE_CLOUD_PROVIDER "ibm" is not a cloud provider',
    );
    expect(check('aura-credentials').status).toBe('skip');
    expect(check('store').status).toBe('pass');
    expect(check('cipher').status).toBe('pass');
  });

  it('reports an unreachable store without its password', async () => {
    const { run, check } = await doctor({
      DATABASE_URL: 'postgres://someone:unreachable-pw-91@127.0.0.1:1/none',
    });
    expect(run.code).toBe(1);
    expect(check('store').status).toBe('fail');
    expect(check('store').fix).toMatch(/host and port/);
    expect(run.stdout).not.toContain('unreachable-pw-91');
  });
});
