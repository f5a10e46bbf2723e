/**
 * Tests that run bench/scale-worker.mjs in real processes: the package built for them, a worker
 * spawned with its config and read line by line, stopped or killed, and the frame of such a test
 * file (a pool on the run's PostgreSQL, a schema per test, waits on what the processes do).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestPool, createTestSchema, testPostgres, uniqueName } from './postgres.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const node = `${repo}node_modules/.bin/node`;
const worker = `${repo}bench/scale-worker.mjs`;
// Inside node_modules, so that the build's own imports (pg, pg-boss) resolve from the repo.
const cache = `${repo}node_modules/.cache/aura-provisioner-scale-test`;

let built: Promise<string> | undefined;

/**
 * Builds the entries the worker imports (root, postgres, pg-boss) from src/ with esbuild:
 * Node cannot run src/ as it is (its imports name `.js` files that are `.ts`).
 */
export function buildPackage(): Promise<string> {
  built ??= (async () => {
    mkdirSync(cache, { recursive: true });
    const outdir = mkdtempSync(`${cache}/build-`); // one per test file: files run side by side
    await build({
      entryPoints: {
        index: `${process.env.SCALE_SRC ?? `${repo}src`}/index.ts`,
        postgres: `${process.env.SCALE_SRC ?? `${repo}src`}/postgres.ts`,
        'pg-boss': `${process.env.SCALE_SRC ?? `${repo}src`}/pg-boss.ts`,
      },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      logLevel: 'warning',
    });
    return outdir;
  })();
  return built;
}

/** Removes the build of {@link buildPackage} (call it when the file's tests are done). */
export async function removePackage(): Promise<void> {
  const dir = await built?.catch(() => undefined);
  built = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** A line a worker printed (see bench/scale-worker.mjs). */
export interface WorkerLine {
  e: string;
  u?: string;
  t?: number;
  [field: string]: unknown;
}

/** A running worker process and everything it printed. */
export interface Worker {
  process: ChildProcess;
  lines: WorkerLine[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves with the first line (already printed or to come) that `match` accepts. */
  waitFor(match: (line: WorkerLine) => boolean, timeoutMs?: number): Promise<WorkerLine>;
  send(line: string): void;
}

/** Spawns bench/scale-worker.mjs with `config` on the package built by {@link buildPackage}. */
export async function spawnWorker(config: Record<string, unknown>): Promise<Worker> {
  const dist = await buildPackage();
  const child = spawn(node, [worker], {
    env: { ...process.env, AURA_SCALE_WORKER: JSON.stringify(config), AURA_PROVISIONER_DIST: dist },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: WorkerLine[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as WorkerLine);
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
      for (const wake of waiters) wake();
    });
  });
  return {
    process: child,
    lines,
    stderr,
    exited,
    send: (line) => child.stdin.write(`${line}\n`),
    waitFor(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`worker: no matching line in ${timeoutMs} ms\n${stderr.join('\n')}`));
        }, timeoutMs);
        const check = () => {
          const found = lines.find(match);
          if (found) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `worker exited (${child.exitCode ?? child.signalCode})\n${stderr.join('\n')}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Stops a worker: SIGTERM (it closes and prints its stats), or SIGKILL after `graceMs`. */
export async function stopWorker(w: Worker, graceMs = 10_000): Promise<void> {
  if (w.process.exitCode !== null || w.process.signalCode !== null) return;
  w.process.kill('SIGTERM');
  const timer = setTimeout(() => w.process.kill('SIGKILL'), graceMs);
  await w.exited;
  clearTimeout(timer);
}

/** Stops every worker of a test (see {@link stopWorker}). */
export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => stopWorker(w)));
}

/**
 * The frame of a test file whose tests run worker processes: a pool on the run's PostgreSQL,
 * and the package built for the workers before the file's tests; both released after them.
 * `real`: whether that PostgreSQL is a server (several processes need one; PGlite is one session).
 *
 * @example
 * const { real, pool } = workerProcessFile();
 * describe.runIf(real)('across processes', () => { ... });
 */
export function workerProcessFile(): { real: boolean; pool: pg.Pool } {
  const pool = createTestPool();
  beforeAll(async () => void (await buildPackage()));
  afterAll(async () => {
    await pool.end();
    await removePackage();
  });
  return { real: testPostgres().kind !== 'pglite', pool };
}

/**
 * A schema of one test's own: `table` (the credential store's, `<schema>.user_databases`) in
 * it, a pg-boss schema name beside it, and `drop` for both.
 */
export async function createWorkerSchema(
  pool: pg.Pool,
): Promise<{ schema: string; table: string; bossSchema: string; drop: () => Promise<void> }> {
  const { schema, drop } = await createTestSchema(pool);
  const bossSchema = uniqueName('boss');
  return {
    schema,
    table: `${schema}.user_databases`,
    bossSchema,
    async drop() {
      await pool.query(`drop schema if exists "${bossSchema}" cascade`);
      await drop();
    },
  };
}

/**
 * Checks `done` every `everyMs` (real time: it watches other processes) until it holds or
 * `timeoutMs` has passed; the test's expectations then say what held.
 */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  { everyMs, timeoutMs = Number.POSITIVE_INFINITY }: { everyMs: number; timeoutMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
