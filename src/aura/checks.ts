import * as z from 'zod/mini';

type ParsePayload = z.core.ParsePayload;

// zod built-ins as refinements. Each of z.url, z.int, z.enum, z.regex, z.minLength,
// z.positive, z.union, z.number, z.boolean, z.array and z.optional pulls its own slice of zod core into a browser bundle;
// refinements all share one. Each helper keeps the built-in's contract, and its
// message where a caller could see one.

/** A string that matches `pattern` (what `z.regex` checks). */
export const matching = (pattern: RegExp, message: string) =>
  z.string().check(z.refine((value) => pattern.test(value), message));

/** A string that is not empty once trimmed; parses to the trimmed value. */
export const nonBlank = (message: string) =>
  z.string().check(
    z.trim(),
    z.refine((value) => value !== '', message),
  );

/** One of `values` (what `z.enum` checks, with its message). */
export function oneOf<const T extends readonly string[]>(
  values: T,
): z.ZodMiniType<T[number], T[number]> {
  const message = `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  const schema = z.string().check(z.refine((value) => values.includes(value), message));
  return schema as z.ZodMiniType<T[number], T[number]>;
}

/**
 * A value of one type, checked by `is` (what `z.number()` or `z.boolean()` checks, with the
 * message our issues give theirs); later checks are skipped when it is not one.
 */
const typed = <T>(is: (value: unknown) => boolean, error: string) =>
  z.unknown().check(z.refine(is, { error, abort: true })) as unknown as z.ZodMiniType<T, T>;

/** A finite number (what `z.number()` checks). */
export const number = () =>
  typed<number>((value) => typeof value === 'number' && Number.isFinite(value), 'expected number');

/** A boolean (what `z.boolean()` checks). */
export const boolean = () =>
  typed<boolean>((value) => typeof value === 'boolean', 'expected boolean');

/** A safe integer (what `z.int()` checks); later checks are skipped when it is not one. */
export const integer = () =>
  number().check(z.refine(Number.isSafeInteger, { error: 'expected int', abort: true }));

/** An absolute http(s) URL, white space around it aside (`z.url({ protocol: /^https?$/ })`). */
export const httpUrl = () =>
  z.string().check(
    z.refine((value) => {
      const trimmed = value.trim();
      return /^https?:\/\//i.test(trimmed) && URL.canParse(trimmed);
    }, 'must be a valid url'),
  );

/** A check that a number is above zero (what `z.positive()` checks). */
export const greaterThanZero = () =>
  z.refine<number>((value) => value > 0, 'must be greater than 0');

/** A check that a number is zero or more (what `z.nonnegative()` checks). */
export const atLeastZero = () => z.refine<number>((value) => value >= 0, 'must be at least 0');

/**
 * An option that was renamed: absent passes, any value fails with the new name
 * (`timeout: renamed to timeoutMs`). For names that would otherwise be an
 * unknown key, which the options schemas let through without a word.
 */
export const renamedTo = (name: string) =>
  optional(z.unknown().check(z.refine(() => false, `renamed to ${name}`)));

/**
 * An array, each item parsed by `element` (what `z.array` checks and gives: the parsed items,
 * an item's issues under its index, "expected array" for anything else). z.array brings its
 * size-cap machinery into the bundle; a check on `z.unknown()` shares what is there already.
 */
export function arrayOf<T extends z.ZodMiniType>(
  element: T,
): z.ZodMiniType<z.output<T>[], z.input<T>[]> {
  const items = z.unknown().check(
    z.check((payload) => {
      const input = payload.value;
      if (!Array.isArray(input)) {
        payload.issues.push({ code: 'invalid_type', expected: 'array', input });
        return;
      }
      payload.value = input.map((value, index) => {
        // Synchronous, as every schema of ours is: zod throws if one is not.
        const result = element._zod.run({ value, issues: [] }, { async: false }) as ParsePayload;
        for (const issue of result.issues) {
          payload.issues.push({ ...issue, path: [index, ...(issue.path ?? [])] });
        }
        return result.value;
      });
    }),
  );
  return items as unknown as z.ZodMiniType<z.output<T>[], z.input<T>[]>;
}

/**
 * `inner`, or `undefined` (what `z.optional` checks and gives: `undefined` passes, anything
 * else is parsed by `inner`, and in an object the key may be absent and stays absent).
 */
export function optional<T extends z.ZodMiniType>(inner: T): z.ZodMiniOptional<T> {
  const schema = z.unknown().check(
    z.check((payload) => {
      if (payload.value === undefined) return;
      // Synchronous, as every schema of ours is: zod throws if one is not.
      const result = inner._zod.run(
        { value: payload.value, issues: [] },
        { async: false },
      ) as ParsePayload;
      payload.issues.push(...result.issues);
      payload.value = result.value;
    }),
  );
  // What an object reads to let the key be absent (and leave it out of its output).
  schema._zod.optin = 'optional';
  schema._zod.optout = 'optional';
  return schema as unknown as z.ZodMiniOptional<T>;
}
