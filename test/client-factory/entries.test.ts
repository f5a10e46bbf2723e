import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The packages a source entry imports at run time, once bundled (peers left external). */
async function runtimeImports(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(__dirname, '../..', entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    external: ['neo4j-driver', 'ky', 'zod', 'zod/*'],
    logLevel: 'silent',
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((item) => item.external).map((item) => item.path),
  );
  return [...new Set(imports)].sort();
}

describe('entry points', () => {
  it('the root entry, client factory included, needs no neo4j-driver at run time (fetch only)', async () => {
    expect(await runtimeImports('src/client-factory/index.ts')).not.toContain('neo4j-driver');
    expect(await runtimeImports('src/index.ts')).not.toContain('neo4j-driver');
  });

  it('aura-provisioner/neo4j is what loads neo4j-driver', async () => {
    expect(await runtimeImports('src/neo4j.ts')).toContain('neo4j-driver');
  });
});
