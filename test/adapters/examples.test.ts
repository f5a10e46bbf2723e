import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// Slow (the examples run against dist/, and Next.js builds): on in CI after
// `npm run build` with AURA_EXAMPLES=1 (see .ci/run), off in the default `npm test`.
const enabled = process.env.AURA_EXAMPLES === '1';
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.pid) process.kill(-child.pid, 'SIGTERM');
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts `npm run <script>` in an example (its own process group) and waits for `ready`. */
async function start(example: string, script: string, ready: RegExp, port: number) {
  const child = spawn('npm', ['run', script], {
    cwd: `${root}examples/${example}`,
    env: { ...process.env, PORT: String(port), FAKE_CREATION_MS: '300' },
    detached: true,
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${example} did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${example} exited with ${code}:\n${output}`)));
  });
}

async function sendSignup(example: string, port: number) {
  const { stdout } = await run('npm', ['run', 'send-signup'], {
    cwd: `${root}examples/${example}`,
    env: { ...process.env, PORT: String(port) },
    timeout: 30_000,
  });
  expect(stdout).toMatch(/-> 202 /);
  expect(stdout).toMatch(/ready in \d/);
}

describe.runIf(enabled)('examples: one command to start, send-signup until ready', () => {
  it('finds the built library', () => {
    for (const entry of ['express', 'elysia', 'next', 'webhooks', 'index', 'testing']) {
      expect(existsSync(`${root}dist/${entry}.js`), `dist/${entry}.js: run npm run build`).toBe(
        true,
      );
    }
  });

  it('examples/express (Node)', async () => {
    const port = await freePort();
    await start('express', 'start', /Express example on/, port);
    await sendSignup('express', port);
  });

  it('examples/elysia (Bun)', async () => {
    const port = await freePort();
    await start('elysia', 'start', /Elysia example on/, port);
    await sendSignup('elysia', port);
  });

  it('examples/nextjs (next build, next start)', { timeout: 180_000 }, async () => {
    await run('npm', ['run', 'build'], { cwd: `${root}examples/nextjs`, timeout: 150_000 });
    const port = await freePort();
    await start('nextjs', 'serve', /Ready in/, port);
    await sendSignup('nextjs', port);
  });
});
