// Per-user clients against dist/: the cached hot path, and the memory a bounded cache holds.
// Real neo4j-driver drivers (they open no socket until used), a memory store, AES-GCM.
import {
  createAesGcmCipher,
  generateAesGcmKey,
  MemoryCredentialStore,
  newRecord,
} from '../dist/index.js';
import { createClientForUser, createUserClients, sharedUserClients } from '../dist/neo4j.js';
import { timeCalls } from './timing.mjs';

// Flat strings, as a database driver hands them over: a concatenated (cons) string is flattened
// the first time it is hashed, which would grow the fixture's own strings as users pass through
// and be counted against the cache.
const flat = (text) => JSON.parse(JSON.stringify(text));
const userId = (i) => flat(`${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`);

/** A store holding `count` ready users, and the cipher that encrypted their passwords. */
async function seed(count) {
  const store = new MemoryCredentialStore();
  const cipher = createAesGcmCipher({ keys: { k1: generateAesGcmKey() }, currentKeyId: 'k1' });
  for (let i = 0; i < count; i++) {
    const id = userId(i);
    const host = flat(i.toString(16).padStart(8, '0'));
    const { record } = await store.claim(newRecord(id, flat(`ap-${host}`)));
    await store.update(id, record.version, {
      status: 'ready',
      instanceId: host,
      connectionUrl: flat(`neo4j+s://${host}.databases.neo4j.io`),
      username: host,
      encryptedPassword: await cipher.encrypt(`password-of-${host}-0123456789abcdef`, id),
    });
  }
  return { store, cipher };
}

/**
 * A cached user's driver, `calls` sequential awaited calls after 20,000 warm-up:
 * through a `createUserClients` cache, and through `createClientForUser` (the shared cache).
 */
export async function measureHotPath(calls = 200_000) {
  const { store, cipher } = await seed(1);
  const id = userId(0);
  const clients = createUserClients({ store, cipher });
  const options = { store, cipher };
  const driverFor = () => clients.driverFor(id);
  const viaCreate = () => createClientForUser(id, options);
  for (let i = 0; i < 20_000; i++) {
    await driverFor();
    await viaCreate();
  }
  const result = {
    driverFor: await timeCalls(calls, driverFor),
    createClientForUser: await timeCalls(calls, viaCreate),
  };
  await clients.closeAll();
  await sharedUserClients(options).closeAll();
  return result;
}

const heapAfterGc = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc?.();
  }
  return process.memoryUsage().heapUsed;
};

/**
 * `users` distinct users pass through a cache capped at `maxSize` (one `driverFor` each):
 * the heap the cache holds at checkpoints, per cached user, and after `closeAll`.
 * Needs `node --expose-gc` (as `npm run bench` runs it) for stable figures.
 */
export async function measureCacheMemory(users = 10_000, maxSize = 500) {
  const { store, cipher } = await seed(users);
  const clients = createUserClients({ store, cipher, maxSize });
  const base = await heapAfterGc();
  const checkpoints = [];
  for (let i = 0; i < users; i++) {
    await clients.driverFor(userId(i));
    if ((i + 1) % (users / 4) === 0) {
      const held = (await heapAfterGc()) - base;
      checkpoints.push({ users: i + 1, cached: clients.size, heldBytes: held });
    }
  }
  const last = checkpoints.at(-1);
  await clients.closeAll();
  const afterClose = (await heapAfterGc()) - base;
  return {
    users,
    maxSize,
    gcExposed: typeof globalThis.gc === 'function',
    checkpoints,
    bytesPerCachedUser: Math.round(last.heldBytes / last.cached),
    afterCloseBytes: afterClose,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hot = await measureHotPath();
  console.log(JSON.stringify(hot, null, 2));
  console.log(JSON.stringify(await measureCacheMemory(), null, 2));
}
