import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAesGcmCipher, generateAesGcmKey } from '../src/index.js';
import { createAuraMock } from '../src/testing/index.js';
import { loadAsModule, readmeBlocks } from './support/readme.js';

// Smaller guide examples, run as written: the testing guide's MSW walk-through, the Aura client
// guide's error handling, and the provisioning guide's encryption keys.
describe('Guides, smaller examples', () => {
  let dir: string;
  const env = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(__dirname, '.readme-'));
  });
  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  it('testing.md: creates an instance against the MSW fake and waits on simulated time', async () => {
    const [block = ''] = await readmeBlocks('With MSW', 'docs/guides/testing.md');
    expect(block).toContain("from 'aura-provisioner/testing'");
    const main = await loadAsModule<{ status: string; fakeInstances: number }>(
      dir,
      'testing-guide',
      block,
      {
        // The block closed its server: read the fake itself, not through the API.
        epilogue:
          'return { status: fake.instance(created.id)?.status, fakeInstances: fake.instances.length };',
      },
    );
    const started = Date.now();
    const { status, fakeInstances } = await main();
    expect(status).toBe('running');
    expect(fakeInstances).toBe(1);
    // 90 s of creation on the test clock, not on the wall clock.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('costs.md: a paused instance on the fake bills at the paused rate, on simulated time', async () => {
    const [block = ''] = await readmeBlocks('Trying it on the fake', 'docs/guides/costs.md');
    expect(block).toContain('fake.bill()');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const main = await loadAsModule<{ bill: { pausedGbHours: number; runningGbHours: number } }>(
        dir,
        'costs-guide',
        block,
        { epilogue: 'return { bill: fake.bill() };' },
      );
      const started = Date.now();
      const { bill } = await main();
      expect(bill).toEqual({ instances: expect.any(Array), runningGbHours: 0, pausedGbHours: 24 });
      expect(log.mock.calls[0]?.[0]).toBeCloseTo(0.432, 6);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      log.mockRestore();
    }
  });

  it('aura-client.md: tells a missing instance from other errors with isAuraError', async () => {
    const [block = ''] = await readmeBlocks('Errors', 'docs/guides/aura-client.md');
    expect(block).toContain("isAuraError(error, 'not_found')");
    const fake = createAuraMock({ credentials: [{ clientId: 'id', clientSecret: 'secret' }] });
    const server = setupServer(...fake.handlers);
    server.listen({ onUnhandledFrame: 'error' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await (await loadAsModule(dir, 'aura-client-errors', block))();
      expect(log).toHaveBeenCalledWith('no such instance');
      expect(fake.requests.some((request) => request.path.endsWith('/instances/0123abcd'))).toBe(
        true,
      );
    } finally {
      log.mockRestore();
      server.close();
    }
  });

  it('provisioning.md: the keys it makes and rotates encrypt and decrypt', async () => {
    const [block = ''] = await readmeBlocks('Encryption keys', 'docs/guides/provisioning.md');
    const [k1, k2] = [generateAesGcmKey(), generateAesGcmKey()];
    Object.assign(process.env, { AURA_PROVISIONER_KEYS: `k2=${k2},k1=${k1}` });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const main = await loadAsModule<{ cipher: ReturnType<typeof createAesGcmCipher> }>(
        dir,
        'encryption-keys',
        block,
        { epilogue: 'return { cipher };' },
      );
      const { cipher } = await main();
      // It printed a new 32-byte key.
      expect(Buffer.from(String(log.mock.calls[0]?.[0]), 'base64')).toHaveLength(32);
      // k2 encrypts; a ciphertext of the old key k1 still decrypts.
      const stored = await cipher.encrypt('pa55word', 'user-1');
      expect(stored.startsWith('v1:k2:')).toBe(true);
      const old = createAesGcmCipher({ keys: { k1 }, currentKeyId: 'k1' });
      expect(await cipher.decrypt(await old.encrypt('pa55word', 'user-1'), 'user-1')).toBe(
        'pa55word',
      );
      // Bound to the user: another user's id does not decrypt it.
      await expect(cipher.decrypt(stored, 'user-2')).rejects.toThrow();
    } finally {
      log.mockRestore();
    }
  });
});
