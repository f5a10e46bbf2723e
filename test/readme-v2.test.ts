import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuraMock } from '../src/testing/index.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

// The multi-database guide's v2beta1 example, run as written against the loopback fake.
describe('Guide: several databases in one instance', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readme-v2-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const databaseNaming of ['caller', 'auto'] as const) {
    it(`creates a multi-database instance, waits for it, and a database (databases named by ${databaseNaming === 'auto' ? 'Aura' : 'the caller'})`, async () => {
      const [block = ''] = await readmeBlocks(
        'Create an instance and a database per user',
        'docs/guides/multi-database.md',
      );
      expect(block).toContain('new AuraV2(aura)');
      const fake = createAuraMock({
        creationTimeMs: 300,
        databaseCreationTimeMs: 0,
        databaseNaming,
      });
      const server = await fake.listen();
      const logged: unknown[][] = [];
      const main = await loadAsModule<{ host: { id: string } }>(
        dir,
        `v2-${databaseNaming}`,
        block,
        {
          provide: ['console'],
          epilogue: 'return { host };',
        },
      );
      const saved = { ...process.env };
      // What `aura-provisioner dev` prints for it.
      Object.assign(process.env, {
        AURA_CLIENT_ID: 'dev-client-id',
        AURA_CLIENT_SECRET: 'dev-client-secret',
        AURA_BASE_URL: server.url,
        AURA_ORGANIZATION_ID: 'org-1',
        AURA_TENANT_ID: 'tenant-1',
      });
      try {
        const { host } = await main({
          console: { log: (...args: unknown[]) => logged.push(args) },
        });
        const names = fake.databases(host.id).map((d) => d.name);
        expect(names).toHaveLength(2);
        expect(names).toContain('neo4j');
        expect(logged).toEqual([[names.find((n) => n !== 'neo4j'), 2]]);
      } finally {
        process.env = saved;
        await server.close();
      }
    });
  }

  it('provisions a database per user on a shared host, with the code as written', async () => {
    const [block = ''] = await readmeBlocks(
      'A database per user on shared instances',
      'docs/guides/multi-database.md',
    );
    expect(block).toContain("kind: 'database-per-user'");
    const fake = createAuraMock({ creationTimeMs: 1_000, databaseCreationTimeMs: 200 });
    const server = await fake.listen();
    const logged: unknown[][] = [];
    const main = await loadAsModule<{ ready: { databaseName: string; instanceId: string } }>(
      dir,
      'placement',
      block,
      { provide: ['console'], epilogue: 'return { ready };' },
    );
    const saved = { ...process.env };
    // What `aura-provisioner dev` prints for it.
    Object.assign(process.env, {
      AURA_CLIENT_ID: 'test-client-id',
      AURA_CLIENT_SECRET: 'test-client-secret',
      AURA_BASE_URL: server.url,
      AURA_PROVISIONER_KEYS: 'k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
      AURA_ORGANIZATION_ID: 'org-1',
      AURA_TENANT_ID: 'tenant-1',
    });
    try {
      const { ready } = await main({
        console: { log: (...args: unknown[]) => logged.push(args) },
      });
      const [host] = fake.instances;
      expect(fake.instances).toHaveLength(1);
      expect(host?.name).toBe('ap-host-0001');
      expect(fake.databases(host?.id ?? '').map((d) => d.name)).toEqual([
        'neo4j',
        ready.databaseName,
      ]);
      expect(logged).toEqual([
        [ready.databaseName, 'on', `neo4j+s://${host?.id}.databases.neo4j.io`],
      ]);
    } finally {
      process.env = saved;
      await server.close();
    }
  }, 30_000);
});
