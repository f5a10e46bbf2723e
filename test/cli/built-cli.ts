import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The CLI as a user runs it: bundled from src/cli/bin.ts the way tsup bundles it (esbuild,
 * dependencies external), under node_modules so that `pg` and the other dependencies resolve.
 * Returns the bundle's path and a function that removes it.
 */
export async function buildCli(
  name: string,
): Promise<{ bundle: string; remove: () => Promise<void> }> {
  const outDir = join(process.cwd(), 'node_modules', '.cache', name, randomUUID());
  const bundle = join(outDir, 'cli.mjs');
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: ['src/cli/bin.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'silent',
  });
  return { bundle, remove: () => rm(outDir, { recursive: true, force: true }) };
}
