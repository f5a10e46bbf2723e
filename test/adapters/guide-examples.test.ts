import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from '../support/readme.js';

// The webhooks guide's Elysia and Next.js blocks are not run with the guides (a Next.js build
// takes minutes); the examples are (examples.test.ts, in CI). So each block may use only what its
// example uses: the same names from the same modules (the package's entries, built into dist/
// there), the same options, and (Next.js) the same route file.

/** `{ names }` imported from each module: `'aura-provisioner/next'` and `'../../dist/next.js'` alike. */
function imports(code: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [, names = '', from = ''] of code.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g,
  )) {
    const entry =
      /^aura-provisioner\/(\w+)$/.exec(from)?.[1] ?? /\/dist\/(\w+)\.js$/.exec(from)?.[1];
    const module = entry === undefined ? from : `aura-provisioner/${entry}`;
    const set = found.get(module) ?? new Set<string>();
    for (const name of names.split(',')) {
      const bare = name.replace(/^\s*type\s+/, '').trim();
      if (bare !== '') set.add(bare);
    }
    found.set(module, set);
  }
  return found;
}

/** What the guide's block takes from packages (not from the reader's own files). */
function packageImports(block: string): Map<string, Set<string>> {
  return new Map([...imports(block)].filter(([module]) => !module.startsWith('.')));
}

/** The option names a block passes (`name:`), outside strings. */
const optionNames = (code: string) =>
  new Set([...code.replace(/'[^']*'/g, "''").matchAll(/\b(\w+):\s/g)].map(([, name]) => name));

async function compare(heading: string, exampleFiles: string[]) {
  const [block = ''] = await readmeBlocks(heading, 'docs/guides/webhooks.md');
  const example = (await Promise.all(exampleFiles.map((file) => readFile(file, 'utf8')))).join(
    '\n',
  );
  const used = imports(example);
  const taken = packageImports(block);
  expect(taken.size, `${heading}: imports`).toBeGreaterThan(0);
  for (const [module, names] of taken) {
    for (const name of names) {
      expect(used.get(module)?.has(name), `${heading}: ${name} from ${module} in the example`).toBe(
        true,
      );
    }
  }
  for (const name of optionNames(block)) {
    expect(example, `${heading}: option ${name} in the example`).toMatch(
      new RegExp(`\\b${name}[:,]`),
    );
  }
  return block;
}

describe("The webhooks guide's Elysia and Next.js blocks use what the examples run", () => {
  it('Elysia', async () => {
    await compare("## Elysia (Bun, or Node with Elysia's adapter)", ['examples/elysia/server.ts']);
  });

  it('Next.js App Router, in the same route file', async () => {
    const block = await compare('Next.js App Router', [
      'examples/nextjs/lib/webhooks.ts',
      'examples/nextjs/app/webhooks/auth/[[...path]]/route.ts',
    ]);
    const route = /^\/\/ (app\/\S+\/route\.ts)$/m.exec(block)?.[1];
    expect(route).toBeDefined();
    expect(existsSync(`examples/nextjs/${route}`), `examples/nextjs/${route}`).toBe(true);
  });
});
