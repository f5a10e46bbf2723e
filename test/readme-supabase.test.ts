import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAesGcmKey } from '../src/index.js';
import { createAuraMock } from '../src/testing/index.js';
import { usePostgrestMock } from './support/postgrest-server.js';

// The README's Supabase example, run as written against the PostgREST stand-in and the Aura
// fake (both over MSW), then used to provision one user.
const { server, setup } = usePostgrestMock();

describe('README, Supabase', () => {
  let dir: string;
  const env = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(__dirname, '.readme-'));
  });
  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  it('provisions a user through the service-role Supabase store of the README', async () => {
    const readme = await readFile(resolve(__dirname, '../README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('### Supabase'),
      readme.indexOf('## Testing your code'),
    );
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(code).toContain("from 'aura-provisioner/supabase'");
    const postgrest = setup();
    const fake = createAuraMock({ creationTimeMs: 0 });
    server.use(...fake.handlers);
    Object.assign(process.env, {
      SUPABASE_URL: postgrest.url,
      SUPABASE_SERVICE_ROLE_KEY: postgrest.serviceRoleKey,
      AURA_CLIENT_ID: 'test-client-id',
      AURA_CLIENT_SECRET: 'test-client-secret',
      AURA_TENANT_ID: 'tenant-1',
      AURA_KEY_K1: generateAesGcmKey(),
    });
    const local = code
      .replaceAll("'aura-provisioner'", `'${resolve(__dirname, '../src/index.ts')}'`)
      .replaceAll("'aura-provisioner/supabase'", `'${resolve(__dirname, '../src/supabase.ts')}'`);
    const lines = local.split(/\n(?=[^\s})])/);
    const imports = lines.filter((line) => line.startsWith('import '));
    const body = lines.filter((line) => !line.startsWith('import '));
    const file = join(dir, 'supabase.ts');
    await writeFile(
      file,
      `${imports.join('\n')}
export default async function main(userId: string) {
${body.join('\n')}
  await provisioner.provisionUserDatabase(userId);
  const status = await provisioner.getProvisioningStatus(userId);
  await provisioner.close();
  return status;
}
`,
    );
    const { default: main } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
      default: (userId: string) => Promise<{ status: string }>;
    };
    const status = await main('7b0c3a8e-1f2d-4c5b-9a6e-0d1c2b3a4f5e');
    expect(status.status).toBe('creating');
    expect(fake.instances).toHaveLength(1);
  });
});
