import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestPostgresServer } from './postgres-server.js';

const run = promisify(execFile);

// A throwaway cluster only: durability off, trust auth, loopback only.
const CLUSTER_SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  'fsync = off',
  'synchronous_commit = off',
  'full_page_writes = off',
  'max_connections = 200',
];

// Speed over safety: no fsync at init, trust auth (the server listens on loopback only).
const INITDB_OPTIONS = ['-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'];

/** The directory of the system PostgreSQL's `initdb` and `pg_ctl`, if there is one. */
export function findPostgresBindir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on PATH: the Debian layout below may still have a server.
  }
  try {
    const sorted = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...sorted.map((version) => `/usr/lib/postgresql/${version}/bin`));
  } catch {
    // Not Debian-like.
  }
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

function postgresOwner(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (cause) {
    throw new Error('Running as root, but there is no "postgres" user to own the test cluster', {
      cause,
    });
  }
}

/**
 * Creates a cluster in a temp dir and starts it on a free loopback port.
 * initdb refuses to run as root, so root runs it through `runuser -u postgres`.
 */
export async function startSystemCluster(bindir: string): Promise<TestPostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'aura-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  if (asRoot) {
    const { uid, gid } = postgresOwner();
    chownSync(dir, uid, gid);
  }
  const exec = (tool: string, args: string[]) => {
    const file = join(bindir, tool);
    return asRoot
      ? run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: dir })
      : run(file, args, { cwd: dir });
  };
  const stopSync = () => {
    try {
      const args = ['-D', data, '-m', 'immediate', 'stop'];
      const file = join(bindir, 'pg_ctl');
      if (asRoot)
        execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'ignore' });
      else execFileSync(file, args, { stdio: 'ignore' });
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await exec('initdb', ['-D', data, ...INITDB_OPTIONS]);
    const socketDir = `unix_socket_directories = '${dir}'`;
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\n${[...CLUSTER_SETTINGS, socketDir].join('\n')}\n`,
    );
    let port = 0;
    // A free port can be taken between the probe and the start: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const start = ['-D', data, '-l', log, '-o', `-p ${port}`, '-w', '-t', '30', 'start'];
      try {
        await exec('pg_ctl', start);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    process.once('exit', stopSync);
    return {
      kind: 'system',
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        process.off('exit', stopSync);
        stopSync();
      },
    };
  } catch (error) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    stopSync();
    const reason = (error as Error).message;
    throw new Error(
      `Could not start a PostgreSQL test cluster with ${bindir}: ${reason}\n${tail}`,
      {
        cause: error,
      },
    );
  }
}
