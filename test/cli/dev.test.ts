import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { buildCli } from './built-cli.js';
import { runCli } from './harness.js';

/** The dev command running in this process, its output read as it comes. */
function startDev(argv: string[], env: Record<string, string | undefined> = {}) {
  const stop = new AbortController();
  const output = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: { write: (s: string) => (output.stdout += s) },
    stderr: { write: (s: string) => (output.stderr += s) },
    signal: stop.signal,
  };
  // Any free ports: several runs (and CI) at once must not meet on the stable defaults.
  const exit = main(['dev', '--port', '0', '--pg-port', '0', ...argv], env, io);
  return { output, exit, stop: () => stop.abort() };
}

/** Polls (real time, no timers to fake) until `read()` matches `pattern`. */
async function waitFor(
  read: () => string,
  pattern: RegExp,
  // A start loads the embedded PostgreSQL: over 20 s on a loaded machine running other files.
  ms = 60_000,
): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > until) throw new Error(`no ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const URL_LINE = /^export AURA_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)$/m;

/** A token from the fake for a made-up client, then authorised `fetch`es. */
async function clientOf(url: string, clientId: string, clientSecret: string) {
  const answer = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(answer.status).toBe(200);
  const { access_token: token } = (await answer.json()) as { access_token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data: never } };
  };
  return { token, call };
}

// Each test starts `dev` (the embedded PostgreSQL): bounds for a loaded machine, not targets.
describe('aura-provisioner dev', { timeout: 60_000 }, () => {
  it('prints the environment, serves the fake with fast timings, logs each request, stops on abort (exit 0)', async () => {
    const dev = startDev(['--creation-ms', '300']);
    const [, url] = await waitFor(() => dev.output.stdout, URL_LINE);
    expect(dev.output.stdout).toContain('export AURA_CLIENT_ID=dev-client-id\n');
    expect(dev.output.stdout).toContain('export AURA_CLIENT_SECRET=dev-client-secret\n');
    expect(dev.output.stdout).toContain('export AURA_TENANT_ID=tenant-1\n');
    // The CLI's first status read of a create then waits for the fake, not for Aura's 90 s.
    expect(dev.output.stdout).toContain('export AURA_EXPECTED_CREATION_MS=300\n');
    // Everything the library and the CLI need, under the names both read.
    for (const name of [
      'AURA_ORGANIZATION_ID',
      'AURA_INSTANCE_TYPE',
      'AURA_INSTANCE_MEMORY',
      'AURA_INSTANCE_REGION',
      'AURA_INSTANCE_CLOUD_PROVIDER',
    ]) {
      expect(dev.output.stdout).toMatch(new RegExp(`^export ${name}=\\S+$`, 'm'));
    }
    expect(dev.output.stdout).toMatch(/^export AURA_PROVISIONER_KEYS=k1=[A-Za-z0-9+/]{43}=$/m);
    expect(dev.output.stdout).toMatch(
      /^export DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/m,
    );

    // Any client id and secret will do, and the printed tenant is there.
    const { token, call } = await clientOf(url as string, 'whatever-id', 'whatever-secret');
    const tenants = await call('GET', '/tenants');
    expect(tenants.body.data).toEqual([expect.objectContaining({ id: 'tenant-1' })]);
    const created = await call('POST', '/instances', {
      name: 'dev-try',
      tenant_id: 'tenant-1',
      type: 'professional-db',
      memory: '1GB',
      region: 'europe-west1',
      cloud_provider: 'gcp',
      version: '5',
    });
    expect(created.status).toBe(202);
    const { id } = created.body.data as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // past the 404 window and 300 ms
    expect((await call('GET', `/instances/${id}`)).body.data).toMatchObject({ status: 'running' });

    const log = dev.output.stdout;
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/oauth\/token 200$/m);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/v1\/tenants 200$/m);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/v1\/instances 202$/m);
    expect(log).toMatch(new RegExp(`^\\S+ GET /v1/instances/${id} 200$`, 'm'));
    expect(log + dev.output.stderr).not.toContain(token);

    dev.stop();
    expect(await dev.exit).toBe(0);
    expect(dev.output.stderr).toContain('Stopped.');
    await expect(fetch(`${url}/v1/tenants`)).rejects.toThrow();
  }, 60_000);

  it('prints the same values even when the shell already exported them (no [REDACTED])', async () => {
    const dev = startDev([], { AURA_CLIENT_SECRET: 'dev-client-secret' });
    await waitFor(() => dev.output.stdout, URL_LINE);
    expect(dev.output.stdout).toContain('export AURA_CLIENT_SECRET=dev-client-secret\n');
    dev.stop();
    expect(await dev.exit).toBe(0);
  });

  it('--json: one JSON document on stdout, the request lines on stderr', async () => {
    const dev = startDev(['--json']);
    await waitFor(() => dev.output.stdout, /\n}\n$/);
    const printed = JSON.parse(dev.output.stdout) as { url: string; env: Record<string, string> };
    expect(printed.env).toMatchObject({ AURA_BASE_URL: printed.url, AURA_TENANT_ID: 'tenant-1' });
    await clientOf(printed.url, 'a', 'b');
    await waitFor(() => dev.output.stderr, /POST \/oauth\/token 200/);
    dev.stop();
    expect(await dev.exit).toBe(0);
    expect(() => JSON.parse(dev.output.stdout)).not.toThrow();
  });

  it('prints what doctor needs: doctor passes with exactly that, under both placements', async () => {
    const dev = startDev(['--creation-ms', '300', '--json']);
    await waitFor(() => dev.output.stdout, /\n}\n$/);
    const printed = JSON.parse(dev.output.stdout) as {
      env: Record<string, string>;
      databasePerUser: Record<string, string>;
    };
    const perInstance = await runCli(['doctor', '--json'], printed.env);
    expect(perInstance.stderr).toBe('');
    expect(perInstance.code).toBe(0);
    const perDatabase = await runCli(['doctor', '--json'], {
      ...printed.env,
      ...printed.databasePerUser,
    });
    expect(perDatabase.code).toBe(0);
    dev.stop();
    expect(await dev.exit).toBe(0);
  });

  it('--neo4j: every instance answers that server, user and password, and the password is never printed', async () => {
    const dev = startDev(['--neo4j', 'bolt://neo4j:s3cr%40t@127.0.0.1:7687', '--json']);
    await waitFor(() => dev.output.stdout, /\n}\n$/);
    const printed = JSON.parse(dev.output.stdout) as { url: string };
    const { call } = await clientOf(printed.url, 'id', 'secret');
    const created = await call('POST', '/instances', {
      name: 'dev-real',
      tenant_id: 'tenant-1',
      type: 'professional-db',
      memory: '1GB',
      region: 'europe-west1',
      cloud_provider: 'gcp',
      version: '5',
    });
    expect(created.status).toBe(202);
    expect(created.body.data).toMatchObject({
      connection_url: 'bolt://127.0.0.1:7687',
      username: 'neo4j',
      password: 's3cr@t',
    });
    dev.stop();
    expect(await dev.exit).toBe(0);
    expect(dev.output.stdout + dev.output.stderr).not.toContain('s3cr');
    const bad = await runCli(['dev', '--neo4j', 'ftp://localhost:21'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--neo4j takes a bolt:// or neo4j:// URL');
    // A Query API address is taken too (the guides run it), with its password likewise.
    for (const url of ['bolt://localhost:7687', 'http://localhost:7474']) {
      const noPassword = await runCli(['dev', '--neo4j', url], {});
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toContain('--neo4j needs the password');
    }
  }, 60_000);

  it("the embedded PostgreSQL serves a pool's concurrent queries and transactions", async () => {
    const dev = startDev([]);
    const [, databaseUrl] = await waitFor(() => dev.output.stdout, /^export DATABASE_URL=(\S+)$/m);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    try {
      await pool.query('create table pool_try (n int primary key)');
      // Each query is an extended-protocol exchange (Parse, Bind, Describe, Execute, Sync); a
      // large parameter makes its messages arrive in pieces, between other connections' ones.
      const sums = Promise.all(
        Array.from({ length: 50 }, (_, n) =>
          pool.query<{ n: number; product: number; length: number }>(
            `select ${n} as n, $1::int * ${(n % 7) + 2} as product, length($2::text) as length`,
            [n, 'x'.repeat(n % 2 === 0 ? 1 : 300_000)],
          ),
        ),
      );
      const committed = (async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query('insert into pool_try (n) values ($1), ($2)', [1, 2]);
          await client.query('commit');
        } finally {
          client.release();
        }
      })();
      const rolledBack = (async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query('insert into pool_try (n) values ($1)', [3]);
          await client.query('rollback');
        } finally {
          client.release();
        }
      })();
      const [answers] = await Promise.all([sums, committed, rolledBack]);
      // Each answer is its own query's, on its own parameters.
      expect(answers.map((answer) => answer.rows[0])).toEqual(
        Array.from({ length: 50 }, (_, n) => ({
          n,
          product: n * ((n % 7) + 2),
          length: n % 2 === 0 ? 1 : 300_000,
        })),
      );
      const kept = await pool.query<{ n: number }>('select n from pool_try order by n');
      expect(kept.rows).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await pool.end();
      dev.stop();
    }
    expect(await dev.exit).toBe(0);
  }, 60_000);

  it('a bad flag, or a port in use: exit 2, saying which', async () => {
    const port = await runCli(['dev', '--port', '70000'], {});
    expect(port.code).toBe(2);
    const pgPort = await runCli(['dev', '--pg-port', 'x'], {});
    expect(pgPort.stderr).toContain('--pg-port "x" is not a port');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "70000" is not a port');
    const creation = await runCli(['dev', '--creation-ms', 'soon'], {});
    expect(creation.code).toBe(2);
    expect(creation.stderr).toContain('--creation-ms "soon"');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port: busy } = taken.address() as { port: number };
    try {
      const inUse = await runCli(['dev', '--port', String(busy), '--pg-port', '0'], {});
      expect(inUse.code).toBe(2);
      expect(inUse.stderr).toContain(`port ${busy} is in use`);
    } finally {
      taken.close();
    }
  });
});

// As a user runs it: the built CLI in a child process, stopped with a real Ctrl-C (SIGINT).
describe('aura-provisioner dev as a child process', { timeout: 60_000 }, () => {
  let bundle = '';
  let remove = async () => {};
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    ({ bundle, remove } = await buildCli('aura-dev-test'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await remove();
  });

  it('serves until SIGINT, then exits 0', async () => {
    const started = spawn(process.execPath, [bundle, 'dev', '--port', '0', '--pg-port', '0'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stdout = '';
    let stderr = '';
    started.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    started.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => started.on('close', resolve));
    const [, url] = await waitFor(() => stdout, URL_LINE);
    const { call } = await clientOf(url as string, 'child-id', 'child-secret');
    expect((await call('GET', '/instances?tenantId=tenant-1')).body).toEqual({ data: [] });
    await waitFor(() => stdout, /GET \/v1\/instances 200/);
    started.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Stopped.');
  });
});
