/** The part of an instance spec (or of a tenant's instance configuration) that an offer is about. */
export interface OfferedSpec {
  type: string;
  memory: string;
  region: string;
  cloudProvider: string;
}

/** `professional-db 1GB on gcp europe-west1`. */
export function describeSpec(spec: OfferedSpec): string {
  return `${spec.type} ${spec.memory} on ${spec.cloudProvider} ${spec.region}`;
}

/** The result of {@link checkSpecOffered}: offered, or what is offered nearby. */
export type SpecOffer = { offered: true } | { offered: false; alternatives: string[] };

const MAX_ALTERNATIVES = 8;

function memoryGb(memory: string): number {
  return Number.parseInt(memory, 10) || 0;
}

/**
 * Whether the tenant offers the spec, and if not, the closest offers: the
 * same type, cloud and region in other sizes first, then the same type
 * elsewhere, then anything. Pure.
 *
 * @example
 * ```ts
 * checkSpecOffered({ type: 'professional-db', memory: '8GB', region: 'europe-west1', cloudProvider: 'gcp' }, configs);
 * // { offered: false, alternatives: ['professional-db 1GB on gcp europe-west1', ...] }
 * ```
 */
export function checkSpecOffered(
  spec: OfferedSpec,
  configurations: readonly OfferedSpec[],
): SpecOffer {
  const same = (c: OfferedSpec) =>
    c.type === spec.type && c.cloudProvider === spec.cloudProvider && c.region === spec.region;
  if (configurations.some((c) => same(c) && c.memory === spec.memory)) return { offered: true };
  const rank = (c: OfferedSpec) =>
    same(c)
      ? 0
      : c.type === spec.type && c.cloudProvider === spec.cloudProvider
        ? 1
        : c.type === spec.type
          ? 2
          : 3;
  const sorted = [...configurations].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.cloudProvider.localeCompare(b.cloudProvider) ||
      a.region.localeCompare(b.region) ||
      a.type.localeCompare(b.type) ||
      memoryGb(a.memory) - memoryGb(b.memory),
  );
  const alternatives = [...new Set(sorted.map(describeSpec))].slice(0, MAX_ALTERNATIVES);
  return { offered: false, alternatives };
}
