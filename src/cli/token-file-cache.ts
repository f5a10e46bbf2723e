import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessToken, TokenCache } from '../aura/token.js';
import { type Clock, systemClock } from '../kernel/clock.js';

/** Defaults of the CLI's token file cache, declared once. */
export const TOKEN_FILE_DEFAULTS = {
  /** Under `$XDG_CACHE_HOME` (or `~/.cache`): the folder of the token files. */
  folder: 'aura-provisioner',
  /** A lock file older than this was left by a process that died: it is taken over. */
  staleLockMs: 30_000,
  /** While another command refreshes the token, look again this often. */
  pollMs: 100,
} as const;

/**
 * Where the CLI keeps its token files: `AURA_PROVISIONER_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/aura-provisioner`, else `~/.cache/aura-provisioner`;
 * `undefined` (no cache) when `AURA_PROVISIONER_CACHE_DIR` is `off` or no
 * home is known.
 *
 * @example
 * ```ts
 * tokenCacheDir({ HOME: '/home/ada' }); // '/home/ada/.cache/aura-provisioner'
 * ```
 */
export function tokenCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const chosen = env.AURA_PROVISIONER_CACHE_DIR;
  if (chosen === 'off') return undefined;
  if (chosen) return chosen;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, TOKEN_FILE_DEFAULTS.folder) : undefined;
}

/** Options of {@link createFileTokenCache}. */
export interface FileTokenCacheOptions {
  /** The folder of the token files (created owner-only, 0700). */
  dir: string;
  /** The client secret: the files are encrypted with a key derived from it. */
  clientSecret: string;
  clock?: Clock;
}

/**
 * A {@link TokenCache} in owner-only files (0600, in a 0700 folder), one per
 * client id and API origin, so successive CLI commands reuse one token
 * instead of spending one of Aura's 15 token requests an hour each. The token
 * is encrypted (AES-256-GCM) with a key derived from the client secret: the
 * file is of no use without the secret, which would get a token anyway.
 * Commands running at once refresh one at a time under a lock file.
 *
 * @example
 * ```ts
 * const tokenCache = createFileTokenCache({ dir: tokenCacheDir(process.env)!, clientSecret });
 * new AuraClient({ clientId, clientSecret, tokenCache });
 * ```
 */
export function createFileTokenCache(options: FileTokenCacheOptions): TokenCache {
  const { dir } = options;
  const clock = options.clock ?? systemClock;
  const key = createHash('sha256')
    .update(`aura-provisioner token file:${options.clientSecret}`)
    .digest();
  const fileOf = (name: string) =>
    join(dir, `token-${createHash('sha256').update(name).digest('hex').slice(0, 32)}`);

  const read = async (name: string): Promise<AccessToken | undefined> => {
    try {
      const sealed = Buffer.from(await readFile(`${fileOf(name)}.json`, 'utf8'), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(sealed.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
      const token = JSON.parse(plain.toString('utf8')) as AccessToken;
      return typeof token.value === 'string' && typeof token.expiresAt === 'number'
        ? token
        : undefined;
    } catch {
      return undefined; // none yet, another secret's, or damaged: as good as none
    }
  };

  const write = async (name: string, token: AccessToken) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(JSON.stringify(token), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    // Written aside and renamed: a reader never sees half a file.
    const temporary = `${fileOf(name)}.${iv.toString('hex')}.tmp`;
    await writeFile(temporary, sealed, { mode: 0o600 });
    await rename(temporary, `${fileOf(name)}.json`);
  };

  /** Takes the lock file (exclusive create), taking over one left by a dead process. */
  const lock = async (name: string) => {
    const path = `${fileOf(name)}.lock`;
    for (;;) {
      try {
        await (await open(path, 'wx', 0o600)).close();
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const since = await stat(path).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (since > TOKEN_FILE_DEFAULTS.staleLockMs) await rm(path, { force: true });
        else await clock.sleep(TOKEN_FILE_DEFAULTS.pollMs);
      }
    }
  };

  return {
    get: read,
    async update(name, refresh) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const unlock = await lock(name);
      try {
        const current = await read(name);
        const fresh = await refresh(current);
        if (fresh.value !== current?.value) await write(name, fresh);
        return fresh;
      } finally {
        await unlock();
      }
    },
  };
}
