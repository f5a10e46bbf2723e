import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bun = resolve(__dirname, '../../node_modules/.bin/bun');
const script = resolve(__dirname, 'query-client-runtime.ts');

describe('the Query API client in other runtimes', () => {
  it.skipIf(!existsSync(bun))(
    'runs a statement under Bun (fetch only, no Bolt)',
    async () => {
      const { stdout } = await promisify(execFile)(bun, [script], { timeout: 30_000 });
      expect(JSON.parse(stdout.trim())).toEqual({
        bun: true,
        rows: [{ n: 1 }],
        endpoint: 'http://127.0.0.1:PORT/db/neo4j/query/v2',
      });
    },
    40_000,
  );
});
