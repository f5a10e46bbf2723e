import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `aura-provisioner/testing` in a project without msw (an optional peer): the entry is bundled
// the way tsup builds it, with msw left external, into a temp dir with no node_modules, and run
// by Node in a child process. Only `fake.handlers` may need msw.
let dir: string;

/** What the child prints: the loopback answers and what `fake.handlers` threw. */
const script = (entry: string, load: string) =>
  `
${load}
const fake = createAuraMock();
const server = await fake.listen();
const auth = 'Basic ' + Buffer.from('my-id:my-secret').toString('base64');
const token = await fetch(server.url + '/oauth/token', {
  method: 'POST',
  headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
});
const { access_token } = await token.json();
const list = await fetch(server.url + '/v1/instances', {
  headers: { Authorization: 'Bearer ' + access_token },
});
let handlers;
try {
  void fake.handlers;
  handlers = 'no error';
} catch (error) {
  handlers = { name: error.name, code: error.code, message: error.message };
}
await server.close();
console.log(JSON.stringify({ token: token.status, list: list.status, body: await list.json(), handlers }));
`.replace('ENTRY', entry);

async function runNode(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    timeout: 15_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aura-fake-no-msw-'));
  for (const format of ['esm', 'cjs'] as const) {
    await build({
      entryPoints: ['src/testing/index.ts'],
      outfile: join(dir, format === 'esm' ? 'testing.mjs' : 'testing.cjs'),
      bundle: true,
      platform: 'node',
      format,
      target: 'node22',
      external: ['msw', 'msw/*'],
      logLevel: 'silent',
    });
  }
  await writeFile(
    join(dir, 'esm.mjs'),
    script('ENTRY', "import { createAuraMock } from './testing.mjs';"),
  );
  await writeFile(
    join(dir, 'cjs.mjs'),
    script(
      'ENTRY',
      "import { createRequire } from 'node:module';\nconst { createAuraMock } = createRequire(import.meta.url)('./testing.cjs');",
    ),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aura-provisioner/testing without msw installed', () => {
  it('cannot resolve msw where the child runs', () => {
    expect(() => createRequire(join(dir, 'esm.mjs')).resolve('msw')).toThrow();
  });

  it.each(['esm', 'cjs'])(
    '%s: listen() serves a token and the instance list; handlers names npm install msw',
    async (format) => {
      const result = await runNode(join(dir, `${format}.mjs`));
      expect(result).toEqual({
        token: 200,
        list: 200,
        body: { data: [] },
        handlers: {
          name: 'AuraMockConfigurationError',
          code: 'invalid_configuration',
          message: expect.stringContaining('npm install --save-dev msw'),
        },
      });
    },
  );
});
