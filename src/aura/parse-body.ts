import type * as z from 'zod/mini';
import type { RequestContext } from './errors/base.js';
import { AuraInvalidResponseError } from './errors/transport.js';
import { toIssues } from './issues.js';

/**
 * Parses a success body against its schema. An empty body reads as `{}`;
 * anything that is not JSON or breaks the contract raises
 * `AuraInvalidResponseError` naming the field.
 */
export function parseBody<S extends z.ZodMiniType>(
  schema: S,
  text: string,
  context: RequestContext,
): z.output<S> {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new AuraInvalidResponseError([{ path: '', message: 'not valid JSON' }], {
      request: context,
    });
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new AuraInvalidResponseError(toIssues(result.error), { request: context });
}
