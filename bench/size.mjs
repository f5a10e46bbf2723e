// Size of the root entry as a browser bundle: minified, gzipped, peers external.
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../dist/index.js');

/** Bundles `code` (which imports the built root entry) for the browser, peers external. */
const bundle = (code) =>
  build({
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

const CLIENT = `export { AuraClient, isAuraError } from ${JSON.stringify(root)};`;

/** Bundles `code` and reports total bytes, gzipped bytes and the share of each package. */
export async function measureSize(code = `export * from ${JSON.stringify(root)};`) {
  const result = await bundle(code);
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
export const measureClientSize = () => measureSize(CLIENT);

/** The client with the v2beta1 API too: what `AuraV2` adds to an Aura-only app. */
export const measureClientWithV2Size = () =>
  measureSize(`export { AuraClient, AuraV2, isAuraError } from ${JSON.stringify(root)};`);

/**
 * Strings only the provisioning layer holds: none may reach the client bundle. Module-level
 * values that a bundler cannot prove unused (a computed default, a template) pulled them in.
 */
const PROVISIONING_ONLY = [
  'createLeaseMs',
  'deadline-exceeded',
  'readiness probe disagrees',
  'v1:<keyId>',
];

/** The client bundle's bound, gzipped: a guard against regressions, not a goal. */
export const CLIENT_GZIP_BOUND = 22 * 1024;

/**
 * Fails (exit 1) when the client bundle carries provisioning code or grows past
 * {@link CLIENT_GZIP_BOUND} gzipped. `node bench/size.mjs --check`.
 */
export async function checkClientBundle() {
  const result = await bundle(CLIENT);
  const text = result.outputFiles[0].text;
  const found = PROVISIONING_ONLY.filter((marker) => text.includes(marker));
  if (found.length > 0) {
    console.error(`client bundle carries provisioning code: ${found.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log('client bundle: no provisioning code');
  }
  const { gzip } = await measureClientSize();
  if (gzip > CLIENT_GZIP_BOUND) {
    console.error(`client bundle: ${gzip} B gzipped, over the bound of ${CLIENT_GZIP_BOUND} B`);
    process.exitCode = 1;
  } else {
    console.log(`client bundle: ${gzip} B gzipped, bound ${CLIENT_GZIP_BOUND} B`);
  }
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--check')) {
  await checkClientBundle();
}
