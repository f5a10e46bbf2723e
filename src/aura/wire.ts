type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The camelCase view of a snake_case wire type, deeply. */
export type Camelize<T> = T extends readonly (infer Item)[]
  ? Camelize<Item>[]
  : T extends Record<string, unknown>
    ? { [K in keyof T as K extends string ? CamelCase<K> : K]: Camelize<T[K]> }
    : T;

const camelKey = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snakeKey = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[rename(key)] = mapKeys(item, rename);
  return out;
}

/**
 * The one place wire names become SDK names: `tenant_id` -> `tenantId`, for
 * known and unknown fields alike (unknown fields pass through, renamed).
 */
export const toCamel = <T>(value: T): Camelize<T> => mapKeys(value, camelKey) as Camelize<T>;

/** SDK names back to wire names, for request bodies: `cloudProvider` -> `cloud_provider`. */
export const toSnake = (value: Record<string, unknown>): Record<string, unknown> =>
  mapKeys(value, snakeKey) as Record<string, unknown>;
