import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// Packaging facts that are cheap to check without packing. The packed file list itself (dist/
// built by prepack, no source maps, no dist/cli.cjs) is checked in .ci/run with
// `npm publish --dry-run`.

type Manifest = Record<string, unknown> & { scripts?: Record<string, string> };

const readJson = async (path: string) =>
  JSON.parse(await readFile(new URL(`../${path}`, import.meta.url), 'utf8')) as Manifest;

/** The fields of package.json that npm copies into the lock's root entry. */
const ROOT_FIELDS = [
  'name',
  'version',
  'license',
  'bin',
  'engines',
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
];

/** npm writes `bin` paths without a leading './'. */
function normalize(field: string, value: unknown): unknown {
  if (field !== 'bin' || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, path]) => [name, String(path).replace(/^\.\//, '')]),
  );
}

const rootFields = (manifest: Manifest) =>
  Object.fromEntries(
    ROOT_FIELDS.filter((field) => manifest[field] !== undefined).map((field) => [
      field,
      normalize(field, manifest[field]),
    ]),
  );

describe('package.json and package-lock.json', () => {
  it('the lock matches package.json, so `npm install` on a fresh clone leaves it unchanged', async () => {
    const pkg = await readJson('package.json');
    const lock = (await readJson('package-lock.json')) as { packages: Record<string, Manifest> };
    const root = lock.packages[''];
    expect(root, 'package-lock.json has no root entry').toBeDefined();
    expect(
      rootFields(root as Manifest),
      'package-lock.json is stale: run `npm install --package-lock-only`',
    ).toEqual(rootFields(pkg));
  });

  it('npm pack and npm publish build dist/ first; installing runs no script of ours', async () => {
    const { scripts = {} } = await readJson('package.json');
    expect(scripts.prepack).toBe('npm run build');
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) {
      expect(scripts[hook], `scripts.${hook}`).toBeUndefined();
    }
  });

  it('the bin is the ESM CLI that tsup builds, written as npm normalizes it', async () => {
    const pkg = await readJson('package.json');
    expect(pkg.bin).toEqual({ 'aura-provisioner': 'dist/cli.js' });
  });
});
