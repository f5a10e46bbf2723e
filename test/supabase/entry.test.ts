import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('aura-provisioner/supabase', () => {
  it('loads nothing from supabase-js at runtime: the store only calls the client it is given', async () => {
    const result = await build({
      entryPoints: [new URL('../../src/supabase.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external).map((i) => i.path),
    );
    expect(imports).toEqual([]);
  });

  it('exports the store', async () => {
    const entry = await import('../../src/supabase.js');
    expect(Object.keys(entry)).toEqual(['SupabaseCredentialStore']);
  });
});
