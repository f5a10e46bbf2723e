/**
 * Runs the Query API client as an app would, in whatever runtime executes
 * this file (`bun test/client-factory/query-client-runtime.ts`), against a
 * Query API stand-in on loopback. Prints one JSON line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createQueryClientForUser } from '../../src/client-factory/user-query-clients.js';
import { newRecord } from '../../src/records/record.js';
import { createAesGcmCipher } from '../../src/stores/cipher-aes-gcm.js';
import { MemoryCredentialStore } from '../../src/stores/memory-store.js';

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const expected = `Basic ${btoa('a1b2c3d4:s3cret')}`;
const server = createServer((request, response) => {
  const ok = request.method === 'POST' && request.headers.authorization === expected;
  response.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
  response.end(ok ? JSON.stringify({ data: { fields: ['n'], values: [[1]] }, bookmarks: [] }) : '');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const store = new MemoryCredentialStore();
const cipher = createAesGcmCipher({ keys: { k1: KEY }, currentKeyId: 'k1' });
const { record } = await store.claim(newRecord('u1', 'ap-u1'));
await store.update('u1', record.version, {
  status: 'ready',
  connectionUrl: `http://127.0.0.1:${port}`,
  username: 'a1b2c3d4',
  encryptedPassword: await cipher.encrypt('s3cret', 'u1'),
});
const client = await createQueryClientForUser('u1', { store, cipher });
const { rows } = await client.run('RETURN 1 AS n');
console.log(
  JSON.stringify({
    bun: 'Bun' in globalThis,
    rows,
    endpoint: client.endpoint.replace(String(port), 'PORT'),
  }),
);
server.close();
