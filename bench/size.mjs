// Size of the root entry as a browser bundle: minified, gzipped, peers external.
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../dist/index.js');

/**
 * Bundles `code` (which imports the built root entry) and reports total
 * bytes, gzipped bytes and the share of each package.
 */
export async function measureSize(code = `export * from ${JSON.stringify(root)};`) {
  const result = await build({
    stdin: { contents: code, resolveDir: resolve(import.meta.dirname, '..'), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    external: ['msw', 'msw/*', 'neo4j-driver', '@supabase/supabase-js', 'pg'],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  const bytes = output.contents.byteLength;
  const gzip = gzipSync(output.contents, { level: 9 }).byteLength;
  const byPackage = {};
  for (const meta of Object.values(result.metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const match = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const name = match ? match[1] : 'aura-provisioner';
      byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
    }
  }
  return { bytes, gzip, byPackage };
}

/** Only what an app that talks to Aura imports: the client and the error guard. */
export const measureClientSize = () =>
  measureSize(`export { AuraClient, isAuraError } from ${JSON.stringify(root)};`);
