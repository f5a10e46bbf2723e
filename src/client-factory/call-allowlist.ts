/** Which calls a user on a shared host may make: exact names, or `prefix.*` for a namespace. */
export interface CallAllowlist {
  allows(name: string): boolean;
}

/**
 * An allowlist of `names` (case-insensitive; `prefix.*` allows the whole
 * namespace, `LOAD CSV` allows `LOAD CSV`).
 */
export function callAllowlist(names: readonly string[]): CallAllowlist {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const name of names) {
    const lower = name.trim().toLowerCase();
    if (lower.endsWith('.*')) prefixes.push(lower.slice(0, -1));
    else exact.add(lower.replace(/\s+/g, ' '));
  }
  return {
    allows(name) {
      const lower = name.toLowerCase();
      return exact.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix));
    },
  };
}
