import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { expectNoSecrets, runCli, seedUser, useCliWorld, uuids } from './harness.js';

// A `%` in the DATABASE_URL password: read as pg reads it, and an unreadable URL is a
// configuration error (exit 2) that never prints the password.
const world = useCliWorld();

/** The test server's URL with `password` spelled into it as is (trust auth ignores it). */
function urlWithPassword(password: string): string {
  const url = new URL(world.env.DATABASE_URL as string);
  return `postgres://${url.username || 'postgres'}:${password}@${url.host}${url.pathname}`;
}

describe('a % in the database password', () => {
  it.each([
    ['a bare %', 'pa%ss-9f1kq'],
    ['%25', 'pa%25ss-9f1kq'],
  ])(
    'with %s: the store is used, and the password pg sends is redacted',
    async (_what, written) => {
      const [user] = uuids(1, 60) as [string];
      await seedUser(world, user);
      const databaseUrl = urlWithPassword(written);
      const pgPassword = parse(databaseUrl).password as string;
      expect(pgPassword).toBe('pa%ss-9f1kq');

      const loaded = await loadConfig({
        flags: {},
        env: { ...world.env, DATABASE_URL: databaseUrl },
        configFile: undefined,
      });
      expect(loaded.issues).toEqual([]);
      expect(loaded.secrets).toContain(pgPassword);

      for (const argv of [['list'], ['status', user, '--json']]) {
        const run = await runCli(argv, { ...world.env, DATABASE_URL: databaseUrl });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expectNoSecrets(run, [...world.secrets, written, pgPassword]);
      }
    },
  );
});

describe('a DATABASE_URL pg cannot read', () => {
  it.each([
    ['a # in the password', 'sec#ret-pw-31x', /DATABASE_URL is not a URL pg can read/],
    [
      'an escape that is not UTF-8',
      'secret%C3-pw-31x',
      /DATABASE_URL has a malformed percent-escape in its password \(write a literal % as %25\)/,
    ],
  ])(
    'with %s: exit 2, naming the setting, without the password',
    async (_what, password, message) => {
      const env = { ...world.env, DATABASE_URL: urlWithPassword(password) };
      const secrets = [...world.secrets, password, 'secret', 'ret-pw-31x', 'pw-31x'];

      const run = await runCli(['list'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expectNoSecrets(run, secrets);

      const json = await runCli(['status', 'someone', '--json'], env);
      expect(json.code).toBe(2);
      expect(json.json()).toMatchObject({ error: { code: 'configuration', exitCode: 2 } });
      expectNoSecrets(json, secrets);

      // doctor reports it as a failed configuration check and skips the store.
      const doctor = await runCli(['doctor'], env);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(message);
      expect(doctor.stdout).toMatch(/^SKIP {2}store/m);
      expectNoSecrets(doctor, secrets);
    },
  );
});
