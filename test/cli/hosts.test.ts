import { beforeAll, describe, expect, it } from 'vitest';
import { newHostRecord } from '../../src/records/host-record.js';
import { expectNoSecrets, runCli, useCliWorld } from './harness.js';

const world = useCliWorld();
const CIPHERTEXT = 'v1:k1:host-ciphertext-never-shown-4b1d';

describe('aura-provisioner hosts', () => {
  it('with no hosts: exit 0 and says so', async () => {
    const run = await runCli(['hosts'], world.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^No hosts/);
  });

  describe('with hosts', () => {
    beforeAll(async () => {
      await world.store.claimHost(
        newHostRecord('ap-host-0001', 20, {
          status: 'ready',
          instanceId: 'a1b2c3d4',
          connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
          username: 'a1b2c3d4',
          encryptedPassword: CIPHERTEXT,
          used: 17,
        }),
      );
      await world.store.claimHost(
        newHostRecord('ap-host-0002', 20, { status: 'creating', instanceId: 'e5f6a7b8' }),
      );
    });

    it('lists each host with its capacity, used and free slots, and the free total', async () => {
      const run = await runCli(['hosts'], world.env);
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^HOST\s+STATUS\s+INSTANCE\s+CAPACITY\s+USED\s+FREE\s+LAST ERROR$/);
      expect(lines[1]).toMatch(/^ap-host-0001\s+ready\s+a1b2c3d4\s+20\s+17\s+3\s*$/);
      expect(lines[2]).toMatch(/^ap-host-0002\s+creating\s+e5f6a7b8\s+20\s+1\s+19\s*$/);
      expect(lines.at(-1)).toBe('2 hosts, 3 free slots on the ready ones (neo4j counts as used).');
      expectNoSecrets(run, [...world.secrets, CIPHERTEXT]);
    });

    it('--json gives the hosts and the ready totals, without passwords', async () => {
      const run = await runCli(['hosts', '--json'], world.env);
      expect(run.code).toBe(0);
      const json = run.json<{ hosts: Record<string, unknown>[]; count: number; free: number }>();
      expect(json).toMatchObject({ count: 2, capacity: 20, used: 17, free: 3 });
      expect(Object.keys(json.hosts[0] ?? {})).not.toContain('encryptedPassword');
      expectNoSecrets(run, [...world.secrets, CIPHERTEXT]);
    });
  });

  it('takes no arguments, and needs only the store settings', async () => {
    expect((await runCli(['hosts', 'extra'], world.env)).code).toBe(2);
    const run = await runCli(['hosts'], {
      DATABASE_URL: world.env.DATABASE_URL ?? '',
      AURA_PROVISIONER_TABLE: world.table,
    });
    expect(run.code).toBe(0);
  });
});
