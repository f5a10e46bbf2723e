import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblems, loadConfig, requireConfig } from '../../src/cli/config.js';
import { readConfigObject } from '../../src/cli/config-file.js';
import { parseKeyList } from '../../src/cli/key-list.js';
import { placementOf } from '../../src/cli/services.js';
import { CLIENT_SECRET, KEY, OTHER_KEY, SPEC_ENV } from './harness.js';

const ENV = {
  AURA_CLIENT_ID: 'id-from-env',
  AURA_CLIENT_SECRET: CLIENT_SECRET,
  AURA_TENANT_ID: 'tenant-env',
  DATABASE_URL: 'postgres://app:db-secret-77@db.internal:5433/app',
  AURA_PROVISIONER_KEYS: `k1=${KEY}`,
  ...SPEC_ENV,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aura-cli-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(content: unknown): Promise<string> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('CLI configuration', () => {
  it('reads the environment and fills in the defaults', async () => {
    const loaded = await loadConfig({ flags: {}, env: ENV, configFile: undefined });
    expect(loaded.issues).toEqual([]);
    const config = requireConfig(loaded, ['aura', 'store', 'cipher', 'instance']);
    expect(config.aura).toEqual({
      clientId: 'id-from-env',
      clientSecret: CLIENT_SECRET,
      tenantId: 'tenant-env',
      baseUrl: 'https://api.neo4j.io',
      instancePrefix: 'ap-',
    });
    expect(config.store.table).toBe('user_databases');
    expect(config.cipher).toEqual({ keys: { k1: KEY }, currentKeyId: 'k1' });
    expect(config.instance.expectedCreationMs).toBe(90_000);
    expect(loaded.sources).toMatchObject({ clientId: 'env', baseUrl: 'default' });
  });

  it('reads the database-per-user placement from a file, numbers as JSON numbers', async () => {
    const path = await configFile({
      placement: 'database-per-user',
      organizationId: 'org-file',
      maxDatabasesPerHost: 8,
      warmSlots: 0,
      maxHosts: 3,
    });
    const hostSpec = { AURA_INSTANCE_TYPE: 'business-critical', AURA_INSTANCE_MEMORY: '2GB' };
    const loaded = await loadConfig({ flags: {}, env: { ...ENV, ...hostSpec }, configFile: path });
    expect(loaded.issues).toEqual([]);
    expect(requireConfig(loaded, ['placement']).placement).toEqual({
      kind: 'database-per-user',
      organizationId: 'org-file',
      maxDatabasesPerHost: 8,
      warmSlots: 0,
      maxHosts: 3,
    });
    // What the CLI's provisioner gets: the hosts made of the instance settings, in the tenant.
    expect(placementOf(requireConfig(loaded, ['aura', 'instance', 'placement']))).toMatchObject({
      kind: 'database-per-user',
      host: { organizationId: 'org-file', type: 'business-critical', memory: '2GB' },
      maxDatabasesPerHost: 8,
      warmSlots: 0,
      maxHosts: 3,
    });
    const defaults = await loadConfig({ flags: {}, env: ENV, configFile: undefined });
    expect(requireConfig(defaults, ['placement']).placement).toEqual({
      kind: 'instance-per-user',
      organizationId: undefined,
      maxDatabasesPerHost: undefined,
      warmSlots: undefined,
      maxHosts: undefined,
    });
  });

  it('reads the expected creation time from the environment or its flag, a whole number of ms', async () => {
    const fromEnv = await loadConfig({
      flags: {},
      env: { ...ENV, AURA_EXPECTED_CREATION_MS: '5000' },
      configFile: undefined,
    });
    expect(requireConfig(fromEnv, ['instance']).instance.expectedCreationMs).toBe(5_000);
    const fromFlag = await loadConfig({
      flags: { 'expected-creation-ms': '0' },
      env: { ...ENV, AURA_EXPECTED_CREATION_MS: '5000' },
      configFile: undefined,
    });
    expect(requireConfig(fromFlag, ['instance']).instance.expectedCreationMs).toBe(0);
    for (const bad of ['soon', '-1', '1.5', '5e3', ' 5000', '1800001']) {
      const loaded = await loadConfig({
        flags: {},
        env: { ...ENV, AURA_EXPECTED_CREATION_MS: bad },
        configFile: undefined,
      });
      expect(loaded.issues.map((issue) => issue.message)).toEqual([
        `AURA_EXPECTED_CREATION_MS "${bad}" is not a whole number of milliseconds from 0 to 1800000 (the creation deadline)`,
      ]);
    }
  });

  it('takes a flag over the environment, and the environment over the file', async () => {
    const file = await configFile({
      tenantId: 'tenant-file',
      clientId: 'id-file',
      table: 'app.dbs',
    });
    const loaded = await loadConfig({
      flags: { 'tenant-id': 'tenant-flag' },
      env: ENV,
      configFile: file,
    });
    expect(loaded.values).toMatchObject({
      tenantId: 'tenant-flag',
      clientId: 'id-from-env',
      table: 'app.dbs',
    });
    expect(loaded.sources).toMatchObject({ tenantId: 'flag', clientId: 'env', table: 'file' });
  });

  it('accepts keys in the file as an object, and an empty variable as unset', async () => {
    const file = await configFile({ keys: { k1: KEY, k2: OTHER_KEY }, currentKey: 'k2' });
    const loaded = await loadConfig({
      flags: {},
      env: { ...ENV, AURA_PROVISIONER_KEYS: '' },
      configFile: file,
    });
    expect(requireConfig(loaded, ['cipher']).cipher).toEqual({
      keys: { k1: KEY, k2: OTHER_KEY },
      currentKeyId: 'k2',
    });
  });

  it('names every missing setting with its variable, file key and flag', async () => {
    const loaded = await loadConfig({ flags: {}, env: {}, configFile: undefined });
    expect(configProblems(loaded, ['aura'])).toEqual([
      'AURA_CLIENT_ID (or clientId in --config, or --client-id) is not set',
      'AURA_CLIENT_SECRET (or clientSecret in --config) is not set',
      'AURA_TENANT_ID (or tenantId in --config, or --tenant-id) is not set',
    ]);
    expect(() => requireConfig(loaded, ['store'])).toThrow(
      /DATABASE_URL \(or databaseUrl in --config\) is not set/,
    );
  });

  it('says which source holds an invalid value, and never quotes a secret', async () => {
    const loaded = await loadConfig({
      flags: { 'instance-memory': 'lots' },
      env: { ...ENV, DATABASE_URL: 'mysql://root:hunter2hunter2@db', AURA_BASE_URL: 'ftp://x' },
      configFile: undefined,
    });
    const problems = configProblems(loaded, ['aura', 'store', 'instance']);
    expect(problems).toEqual([
      'AURA_BASE_URL "ftp://x" is not an http(s) URL',
      'DATABASE_URL must start with postgres://',
      '--instance-memory "lots" is not a size such as 1GB or 2GB',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('needs the current key when there are several keys', async () => {
    const loaded = await loadConfig({
      flags: {},
      env: { ...ENV, AURA_PROVISIONER_KEYS: `k1=${KEY},k2=${OTHER_KEY}` },
      configFile: undefined,
    });
    expect(configProblems(loaded, ['cipher'])).toEqual([
      'AURA_PROVISIONER_CURRENT_KEY (or currentKey in --config, or --current-key) is needed: AURA_PROVISIONER_KEYS holds 2 keys (k1, k2); name the one that encrypts',
    ]);
  });

  it('collects every secret for redaction, the database password included', async () => {
    const loaded = await loadConfig({ flags: {}, env: ENV, configFile: undefined });
    expect(loaded.secrets).toEqual(
      expect.arrayContaining([CLIENT_SECRET, ENV.DATABASE_URL, `k1=${KEY}`, KEY, 'db-secret-77']),
    );
  });

  it('reports a missing file, bad JSON and unknown keys, with a suggestion', async () => {
    const missing = await loadConfig({ flags: {}, env: ENV, configFile: join(dir, 'nope.json') });
    expect(missing.issues.map((i) => i.message)).toEqual([
      `config file ${join(dir, 'nope.json')} cannot be read (ENOENT)`,
    ]);
    const bad = await configFile('{"clientSecret": "s3cret-in-bad-json",');
    const broken = await loadConfig({ flags: {}, env: ENV, configFile: bad });
    expect(broken.issues[0]?.message).toBe(`config file ${bad} is not valid JSON`);
    expect(
      readConfigObject({ AURA_TENANT_ID: 't', tenant: 't', clientId: 7 }, 'f.json').problems,
    ).toEqual([
      'f.json: unknown setting "AURA_TENANT_ID" (did you mean "tenantId"?)',
      'f.json: unknown setting "tenant"',
      'f.json: "clientId" must be a string',
    ]);
    expect(readConfigObject({ expectedCreationMs: 5000 }, 'f.json')).toEqual({
      values: { expectedCreationMs: '5000' },
      problems: [],
    });
    expect(readConfigObject({ expectedCreationMs: [5000] }, 'f.json').problems).toEqual([
      'f.json: "expectedCreationMs" must be a number or a string',
    ]);
  });
});

describe('parseKeyList', () => {
  it('splits on commas and on the first = only (base64 pads with =)', () => {
    expect(parseKeyList(` k1=${KEY} , k2=${OTHER_KEY}`)).toEqual({
      ok: true,
      keys: { k1: KEY, k2: OTHER_KEY },
    });
  });

  it.each([
    ['', 'entry 1 of 1 is empty'],
    [`k1=${KEY},`, 'entry 2 of 2 is empty'],
    [
      KEY,
      'entry 1 of 1 does not start with a key id (1–32 of A-Z a-z 0-9 _ -): write `id=<base64 key>`',
    ],
    [`k1=${KEY},k1=${OTHER_KEY}`, 'entry 2 of 2 repeats the key id "k1"'],
  ])('rejects %j without quoting it', (text, problem) => {
    expect(parseKeyList(text)).toEqual({ ok: false, problem });
  });
});
