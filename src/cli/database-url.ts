/**
 * What `pg` reads from a DATABASE_URL, read the way it reads it: the steps of
 * pg-connection-string 2.x's `parse` (the parser `pg` 8 runs on a
 * `connectionString`), for the fields the CLI uses. `pg` is an optional peer,
 * so the CLI cannot import its parser before it knows the store is wanted;
 * test/cli/database-url.test.ts holds this reading to the real one. The
 * unix-socket forms (`/run/postgresql db`, `socket:`) are not mirrored: the
 * CLI takes `postgres://` URLs only.
 */

/** A connection string as `pg` reads it. */
export interface DatabaseUrl {
  user: string;
  /** The password `pg` sends: percent-escapes decoded, or `''`. */
  password: string;
  host: string;
  /** `''` for the default port. */
  port: string;
  database: string | null;
}

/** The reading, or why `pg` could not read it (never quoting the URL: it may hold a password). */
export type DatabaseUrlReading = { ok: true; url: DatabaseUrl } | { ok: false; problem: string };

// pg-connection-string percent-encodes the whole string when it holds a space or a `%`
// that starts no escape, so that `p%ss` reads as the password `p%ss`, not as an error.
const NEEDS_ENCODING = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i;
const DUMMY_HOST = '___DUMMY___';

const NOT_A_URL =
  'is not a URL pg can read: check the host and port, and percent-encode any @ : / ? # in the user name or password';
/** A percent-escape that does not decode (`%C3` alone is not UTF-8): pg throws a URIError. */
class MalformedEscape extends Error {
  override readonly name = 'MalformedEscape' as const;
  constructor(readonly part: string) {
    super(`malformed percent-escape in the ${part}`);
  }
}

function decoded(part: string, value: string, decode: (value: string) => string): string {
  try {
    return decode(value);
  } catch {
    throw new MalformedEscape(part);
  }
}

const malformed = (part: string) =>
  `has a malformed percent-escape in its ${part} (write a literal % as %25)`;

/**
 * Reads `text` as `pg` does, or says why `pg` would throw on it.
 *
 * @example
 * ```ts
 * readDatabaseUrl('postgres://app:p%ss@db:5432/app'); // { ok: true, url: { password: 'p%ss', ... } }
 * readDatabaseUrl('postgres://app:p%25ss@db/app');    // the same password, 'p%ss'
 * readDatabaseUrl('postgres://app:p#ss@db/app');      // { ok: false, problem: 'is not a URL pg can read: ...' }
 * ```
 */
export function readDatabaseUrl(text: string): DatabaseUrlReading {
  let source = text;
  if (NEEDS_ENCODING.test(source)) {
    // encodeURI throws on a lone surrogate, and so does pg.
    try {
      source = encodeURI(source).replace(/%25(\d\d)/g, '%$1');
    } catch {
      return { ok: false, problem: 'holds text that is not valid Unicode' };
    }
  }
  let parsed: URL;
  let dummyHost = false;
  try {
    parsed = new URL(source, 'postgres://base');
  } catch {
    // pg tries once more with a placeholder for an empty host (`postgres://u:p@/db?host=...`).
    try {
      parsed = new URL(source.replace('@/', `@${DUMMY_HOST}/`), 'postgres://base');
      dummyHost = true;
    } catch {
      return { ok: false, problem: NOT_A_URL };
    }
  }
  // pg lets a query parameter win over the URL's part (the last of repeated parameters wins).
  const params = Object.fromEntries(parsed.searchParams);
  try {
    const hostname = (dummyHost ? '' : parsed.hostname).replace(/^\[(.+)\]$/, '$1');
    // With a `host` parameter, an encoded socket directory in the host moves to the path.
    if (params.host && /^%2f/i.test(hostname)) parsed.pathname = hostname + parsed.pathname;
    const database = parsed.pathname.slice(1) || null;
    return {
      ok: true,
      url: {
        user: params.user || decoded('user name', parsed.username, decodeURIComponent),
        password: params.password || decoded('password', parsed.password, decodeURIComponent),
        host: params.host || decoded('host', hostname, decodeURIComponent),
        port: params.port || parsed.port,
        database: database && decoded('database name', database, decodeURI),
      },
    };
  } catch (error) {
    if (error instanceof MalformedEscape) return { ok: false, problem: malformed(error.part) };
    throw error;
  }
}
