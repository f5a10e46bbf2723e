import { defineConfig } from 'tsup';

// The library's entries: each is built as ESM and CJS, with types for both.
const library = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  postgres: 'src/postgres.ts',
  supabase: 'src/supabase.ts',
  webhooks: 'src/adapters/index.ts',
  elysia: 'src/elysia.ts',
  express: 'src/express.ts',
  next: 'src/next.ts',
  neo4j: 'src/neo4j.ts',
  'pg-boss': 'src/pg-boss.ts',
};

export default defineConfig({
  // The CLI (package.json `bin`: dist/cli.js) is built in the same ESM pass, so that it shares
  // the library's chunks instead of carrying a second copy of them.
  entry: { ...library, cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  // The CLI is ESM only: no dist/cli.cjs and no types for it (nothing imports it).
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.entryPoints = library;
  },
  dts: { entry: library },
  // No source maps in the package: the output is unminified and readable, and the maps
  // (with the sources inlined) were 1.9 MB of the 3 MB unpacked package.
  sourcemap: false,
  clean: true,
  target: 'node22',
  splitting: true,
  treeshake: true,
  // `dev`'s embedded PostgreSQL, loaded only when it runs (a dev dependency, never bundled).
  external: ['@electric-sql/pglite', '@electric-sql/pglite-socket'],
});
