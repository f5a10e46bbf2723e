/**
 * The guides (docs/guides/) as a reader runs them: the files to save and the shell steps to
 * run, in the order they appear. A fenced block whose info string has `title="<name>"` is one
 * of them: `title="shell"` (a `sh` block) holds commands, one a line (`# ...` after a command
 * is a comment: what it prints); any other title is a file of that name. `title="fragment"`
 * marks a block that is none of them, run (where it is) by the tests that read it with
 * `readmeBlocks`; guide-fragments.test.ts refuses an untitled ts/js block.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../..');

/** One step of a guide: a file to save, or a command to run. */
export type GuideStep =
  | { kind: 'file'; name: string; code: string }
  | { kind: 'command'; line: string };

/** The steps of one guide (`'docs/guides/webhooks.md'`), in order. */
export async function guideSteps(file: string): Promise<GuideStep[]> {
  const text = await readFile(join(repo, file), 'utf8');
  const steps: GuideStep[] = [];
  for (const [, info = '', body = ''] of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const name = /\btitle="([^"]+)"/.exec(info)?.[1];
    if (name === undefined || name === 'fragment') continue;
    if (name !== 'shell') {
      steps.push({ kind: 'file', name, code: body });
      continue;
    }
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line !== '' && !line.startsWith('#')) steps.push({ kind: 'command', line });
    }
  }
  return steps;
}

/**
 * The package as `npm install aura-provisioner` gives it: this checkout built (ESM, no types)
 * into `<root>/node_modules/aura-provisioner`, `root` under this repository's node_modules so
 * that the package's dependencies, and the peers the guides install, resolve. Files saved in
 * `root` import it by its name.
 */
export async function installBuiltPackage(): Promise<{ root: string; remove(): Promise<void> }> {
  const root = join(repo, 'node_modules', '.cache', 'guides', randomUUID());
  const target = join(root, 'node_modules', 'aura-provisioner');
  await mkdir(target, { recursive: true });
  await cp(join(repo, 'package.json'), join(target, 'package.json'));
  const [{ build }, { default: config }] = await Promise.all([
    import('tsup'),
    import('../../tsup.config.js'),
  ]);
  await build({
    ...(config as object),
    config: false,
    outDir: join(target, 'dist'),
    format: ['esm'],
    dts: false,
    silent: true,
  });
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
