import type * as z from 'zod/mini';
import type { ApiCall } from '../call.js';
import { envelope } from '../schemas.js';
import type { Transport } from '../transport.js';
import { type Camelize, toCamel } from '../wire.js';

/**
 * Makes `call`, its schema that of the `data` in Aura's `{ data }` envelope, and returns
 * that data camelCased: what most calls of the resources answer with.
 */
export async function callForData<S extends z.ZodMiniType>(
  transport: Transport,
  call: ApiCall<S>,
): Promise<Camelize<z.output<S>>> {
  const body = await transport.call({ ...call, schema: envelope(call.schema) });
  return toCamel((body as { data: z.output<S> }).data);
}
