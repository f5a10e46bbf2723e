import type { ReadinessProbe } from './runtime.js';

/** Options of {@link createDnsReadinessProbe}. */
export interface DnsReadinessProbeOptions {
  /**
   * Resolves a host name, rejecting when it does not resolve: pass
   * `(host) => dns.promises.lookup(host)` from `node:dns` (Node, Bun) or a
   * DNS-over-HTTPS call where there is no resolver.
   */
  lookup: (hostname: string) => Promise<unknown>;
  /** Give up on one lookup after this many ms (a hang counts as "not yet"). Default 2 000. */
  timeoutMs?: number;
}

/**
 * A readiness probe that watches the instance's host name
 * (`<id>.databases.neo4j.io`) start to resolve, which costs no Aura API
 * budget; a status read then confirms. Experimental: proven on the
 * simulated fake (the repository's benchmarks measure it), not yet against Aura. If the host
 * resolves before the database is up, the provisioner stops trusting the
 * probe for that user and falls back to its status-read policy, and drops
 * the probe altogether once half of the recent reads found it early. Resolvers
 * cache "not found" answers, which can delay the first success.
 *
 * @example
 * ```ts
 * import { promises as dns } from 'node:dns';
 * createProvisioner({ ..., readinessProbe: createDnsReadinessProbe({ lookup: (h) => dns.lookup(h) }) });
 * ```
 */
export function createDnsReadinessProbe(options: DnsReadinessProbeOptions): ReadinessProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return async ({ connectionUrl }) => {
    let hostname: string;
    try {
      hostname = new URL(connectionUrl.replace(/^[a-z0-9+.-]+:\/\//i, 'https://')).hostname;
    } catch {
      return false;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([options.lookup(hostname).then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}
