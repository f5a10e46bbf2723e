import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
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
    cli: 'src/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: true,
  treeshake: true,
});
