import { type Clock, systemClock } from '../kernel/clock.js';
import { MAX_TIMER_MS } from '../kernel/limits.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import type { ReadinessProbe } from './runtime.js';

/** Options of {@link createHttpReadinessProbe}. */
export interface HttpReadinessProbeOptions {
  /** Default: `globalThis.fetch`, looked up at each probe (so a mock installed later is used). */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Give up on one probe after this many ms, answer body included (a hang
   * counts as "not yet"). Finite and > 0. Default 2 000.
   */
  timeoutMs?: number | undefined;
  /** Times the timeout. Default: the system clock. */
  clock?: Clock | undefined;
}

/**
 * The discovery document's address for a connection URL: `https://<host>/`,
 * whatever the scheme, on 443 unless the URL itself is `https://` with a port.
 * No user info, path or query is carried along. `undefined` if there is no host.
 *
 * @example
 * ```ts
 * discoveryUrl('neo4j+s://1a2b3c4d.databases.neo4j.io:7687'); // 'https://1a2b3c4d.databases.neo4j.io/'
 * ```
 */
export function discoveryUrl(connectionUrl: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(connectionUrl.trim());
  if (!match) return undefined;
  let url: URL;
  try {
    url = new URL(`https://${match[2]}`);
  } catch {
    return undefined;
  }
  if (!url.hostname) return undefined;
  // Only an https:// URL names an HTTPS port; a Bolt port (`neo4j+s://host:7687`) says nothing
  // about HTTPS, and Aura serves HTTPS on 443 only.
  const port = (match[1] as string).toLowerCase() === 'https' ? url.port : '';
  return `https://${url.hostname}${port ? `:${port}` : ''}/`;
}

/** Neo4j's discovery document names its version or a Bolt address; an HTML page or `{}` does not. */
function isDiscoveryDocument(text: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  return (
    typeof fields.neo4j_version === 'string' ||
    typeof fields.bolt_routing === 'string' ||
    typeof fields.bolt_direct === 'string'
  );
}

/**
 * A readiness probe that asks the instance itself: one unauthenticated
 * `GET https://<id>.databases.neo4j.io/`, which Neo4j answers with its
 * discovery document (`neo4j_version`, `bolt_routing`, ...) once the
 * database serves HTTP. A stronger signal than {@link createDnsReadinessProbe}
 * (the host resolving, TLS and a Neo4j behind it, not just a DNS record), and
 * it costs no Aura API budget either; a status read then confirms.
 * Experimental: proven on the simulated fake, not yet against Aura (the
 * calibration in `test/aura/live.test.ts`, `AURA_TEST_PROBE=1`, has not been
 * run). If it says yes before the database is up, the provisioner stops
 * trusting the probe for that user and falls back to its status-read policy,
 * and drops the probe altogether once half of the recent reads found it early
 * (tried again after 30 minutes; see `PROVISIONING_DEFAULTS.probeTrust`).
 *
 * Sends no credentials (no `Authorization` header, no user info from the
 * URL; it is meant for server runtimes, whose fetch keeps no cookies),
 * follows no redirect and never retries: a DNS failure, refused connection,
 * TLS error, timeout, non-2xx answer or a body that is not a Neo4j discovery
 * document all mean "not yet". It never rejects, and leaves no timer behind. Throws
 * `ProvisioningConfigurationError` at once for a `timeoutMs` that is not a
 * finite number > 0.
 *
 * @example
 * ```ts
 * createProvisioner({ ..., readinessProbe: createHttpReadinessProbe({ timeoutMs: 2_000 }) });
 * ```
 */
export function createHttpReadinessProbe(options: HttpReadinessProbeOptions = {}): ReadinessProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  // NaN or a negative timeout would end every probe at once; Infinity would let one hang a status check.
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !(timeoutMs <= MAX_TIMER_MS)) {
    throw new ProvisioningConfigurationError(
      `timeoutMs must be a finite number of ms > 0, not ${timeoutMs}`,
    );
  }
  const clock = options.clock ?? systemClock;
  return async ({ connectionUrl }) => {
    const url = discoveryUrl(connectionUrl);
    if (!url) return false;
    const request = new AbortController();
    const timer = new AbortController();
    // Also settles a fetch that ignores its signal: the race ends at the timeout either way.
    const timeout = clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const ask = async (): Promise<boolean> => {
      const response = await (options.fetch ?? globalThis.fetch)(url, {
        method: 'GET',
        // No `credentials: 'omit'`: server fetches keep no cookie jar, and Cloudflare Workers
        // throw on the field (the probe would then say "not yet" forever).
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: request.signal,
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => {});
        return false;
      }
      return isDiscoveryDocument(await response.text());
    };
    try {
      return await Promise.race([ask(), timeout]);
    } catch {
      return false;
    } finally {
      timer.abort();
      request.abort(); // a no-op once the answer is read; frees the connection after a timeout
    }
  };
}
