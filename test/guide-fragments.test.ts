import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// A guide's code is files a reader saves and runs (`title="<name>"`, run by guides-run.test.ts).
// A block that is not one says so (`title="fragment"`) and is run by the tests that read it; an
// untitled code block is neither, so a new one fails here until it is given a title.

const CODE = /^(ts|tsx|js|jsx|mjs|cjs|typescript|javascript)$/;

async function documents(): Promise<string[]> {
  const guides = (await readdir('docs/guides')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...guides.map((name) => `docs/guides/${name}`)];
}

describe('The guides hold no untitled code block', () => {
  it('every ts/js block names its file or is marked title="fragment"', async () => {
    const untitled: string[] = [];
    for (const file of await documents()) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      let open = false;
      lines.forEach((line, index) => {
        const fence = /^\s*```(.*)$/.exec(line);
        if (!fence) return;
        if (open) {
          open = false;
          return;
        }
        open = true;
        const [language = '', ...rest] = (fence[1] ?? '').trim().split(/\s+/);
        if (CODE.test(language) && !/\btitle="[^"]+"/.test(rest.join(' '))) {
          untitled.push(`${file}:${index + 1}`);
        }
      });
    }
    expect(untitled, 'give each a title="<file>.mjs", or title="fragment"').toEqual([]);
  });
});
