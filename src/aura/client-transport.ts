import type { Clock } from '../kernel/clock.js';
import { AuraConfigurationError } from './errors/usage.js';
import type { Transport } from './transport.js';

/** What an `AuraClient` lends to the add-ons built on it (the v2beta1 resources). */
export interface ClientInternals {
  transport: Transport;
  clock: Clock;
}

// A WeakMap rather than a property: the client's public shape stays as it is, and the
// v2beta1 resources, which reach the transport through here, stay out of bundles that
// import only `AuraClient`.
const internals = new WeakMap<object, ClientInternals>();

/** Records the transport of a client (called once, by its constructor). */
export function bindClientInternals(client: object, value: ClientInternals): void {
  internals.set(client, value);
}

/**
 * The transport and clock of an `AuraClient`, so calls made through an add-on
 * share its token, rate limiter and retry rules.
 *
 * @example
 * ```ts
 * const { transport } = clientInternals(aura);
 * ```
 */
export function clientInternals(client: object): ClientInternals {
  const found = internals.get(client);
  if (found) return found;
  throw new AuraConfigurationError('Expected an AuraClient', [
    { path: 'client', message: 'must be an AuraClient instance' },
  ]);
}
