/**
 * Runs the code blocks of the README and the guides (docs/guides/) as written: takes a
 * section's ```ts blocks, points their `aura-provisioner` imports at this checkout's src/,
 * and loads each as a module whose statements run in an exported `main`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const repo = resolve(__dirname, '../..');

/**
 * The ```ts blocks of one section of the README or of a guide, in order. `heading` is a `## `
 * section's title (`'Quick start'`), or a whole heading of any level (`'### Supabase'`); the
 * section ends at the next heading of the same level or above. `file` is relative to the
 * repository: `'README.md'` (the default) or a guide, e.g. `'docs/guides/provisioning.md'`.
 */
export async function readmeBlocks(heading: string, file = 'README.md'): Promise<string[]> {
  const readme = await readFile(join(repo, file), 'utf8');
  const line = heading.startsWith('#') ? heading : `## ${heading}`;
  const level = /^#+/.exec(line)?.[0].length ?? 2;
  const start = readme.indexOf(`\n${line}\n`);
  expect(start, `${file} section ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0);
  // From `##` up: a `# ` line is more likely a shell comment in a block than the title.
  const next = new RegExp(`\\n#{2,${Math.max(level, 2)}} `, 'g');
  next.lastIndex = start + line.length + 1;
  const end = next.exec(readme)?.index;
  const body = readme.slice(start, end);
  // A block may name its file (```ts title="provisioner.mjs"), see guide-files.ts.
  return [...body.matchAll(/```ts(?: [^\n]*)?\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/** `'aura-provisioner'` and `'aura-provisioner/<entry>'` imports, pointed at src/. */
export function localImports(code: string): string {
  return code.replace(
    /(['"])aura-provisioner(?:\/([^'"]+))?\1/g,
    (_, _quote: string, entry: string | undefined) => {
      const file =
        entry === undefined
          ? join(repo, 'src/index.ts')
          : entry === 'testing'
            ? join(repo, 'src/testing/index.ts')
            : join(repo, `src/${entry}.ts`);
      if (!existsSync(file))
        throw new Error(`README imports aura-provisioner/${entry}: no ${file}`);
      return `'${file}'`;
    },
  );
}

/** What {@link loadAsModule} adds around the README's code (never inside it). */
export interface ModuleFrame {
  /**
   * Names the code uses without defining them: `main` takes them as one object
   * (`main({ store, cipher })`), so they are in scope for the code as written.
   */
  provide?: readonly string[];
  /** Statements run after the README's, e.g. `return { clients };`. */
  epilogue?: string;
}

/**
 * Writes `code` as a module in `dir` that imports this checkout instead of the
 * package, with its statements (after the imports) in an exported `main`, and
 * loads it.
 */
export async function loadAsModule<T = void>(
  dir: string,
  name: string,
  code: string,
  frame: ModuleFrame = {},
): Promise<(provided?: Record<string, unknown>) => Promise<T>> {
  // A statement starts at a line that is not indented and does not close a bracket.
  const statements = localImports(code).split(/\n(?=[^\s)\]}])/);
  const imports = statements.filter((statement) => statement.startsWith('import '));
  // A module's exports become plain names in `main` (a function has no exports).
  const body = statements
    .filter((statement) => !statement.startsWith('import '))
    .map((statement) => statement.replace(/^export /, ''));
  const params = frame.provide?.length ? `{ ${frame.provide.join(', ')} } = {}` : '';
  const file = join(dir, `${name}.ts`);
  await writeFile(
    file,
    [
      ...imports,
      `export default async function main(${params}) {`,
      ...body,
      frame.epilogue ?? '',
      '}',
      '',
    ].join('\n'),
  );
  const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
    default: (provided?: Record<string, unknown>) => Promise<T>;
  };
  return module.default;
}
