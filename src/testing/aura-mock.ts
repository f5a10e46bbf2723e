import type { RequestHandler } from 'msw';
import { createDispatcher } from './dispatch.js';
import type { AuraMockFaults } from './faults.js';
import { createFaultQueue } from './faults.js';
import {
  findInstance,
  forceStatus,
  liveInstances,
  meteredUntil,
  seedInstance,
  toMockInstance,
} from './instance-registry.js';
import type { ListenOptions, LoopbackServer } from './loopback-server.js';
import { listenLoopback } from './loopback-server.js';
import { type AuraMockBill, billOf } from './meter.js';
import type { InstanceStatus, MockInstance, RecordedRequest, SeedInstance } from './model.js';
import { createMswHandlers } from './msw-handlers.js';
import type { AuraMockOptions } from './options.js';
import { resolveOptions } from './options.js';
import { createParkedRequests } from './parked-requests.js';
import { createIdSource } from './random-ids.js';
import { clearState, createState } from './state.js';
import { expireAllTokens } from './tokens.js';
import { databaseStatus, databasesOf } from './v2/database-registry.js';
import type { MockDatabase } from './v2/model.js';
import { resolveMultiDatabaseOptions } from './v2/options.js';
import { isoSeconds } from './wire.js';

/** A stateful fake of the Aura API v1. See {@link createAuraMock}. */
export interface AuraMock {
  /** The base URL the fake answers under (no trailing slash). */
  readonly baseUrl: string;
  /**
   * MSW handlers for everything under `baseUrl`, for `setupServer(...)`. Built on
   * first use; the only part of the fake that needs `msw` (an
   * `AuraMockConfigurationError` says to install it when it is missing).
   */
  readonly handlers: RequestHandler[];
  /** The framework-free core: a fetch `Request` in, a `Response` out. */
  handle(request: Request): Promise<Response>;
  /** Serves the same fake over real HTTP on loopback. */
  listen(options?: ListenOptions): Promise<LoopbackServer>;
  /** Every request received so far, in order, faulted ones included; never secrets. */
  readonly requests: readonly RecordedRequest[];
  /** Instances not yet gone, camelCase, status as of the clock's now. */
  readonly instances: readonly MockInstance[];
  /** The instance with this id, if not gone. */
  instance(id: string): MockInstance | undefined;
  /** Seeds an instance without a request (an orphan, say). */
  addInstance(seed: SeedInstance): MockInstance;
  /** Forces a status that holds until a request changes it, e.g. `loading failed`. */
  setInstanceStatus(id: string, status: InstanceStatus): void;
  /** The databases of a multi-database instance (v2beta1), its default first; `[]` if none or gone. */
  databases(instanceId: string): MockDatabase[];
  /**
   * What every instance has been billed up to the clock's now, in GB-hours of memory, running
   * and paused (gone instances included), with the totals. See {@link AuraMockBill}.
   */
  bill(): AuraMockBill;
  /** Injected failures. */
  readonly faults: AuraMockFaults;
  /** Every token issued so far is expired from now on (requests with it answer 403). */
  expireTokens(): void;
  /** Forgets instances, snapshots, meters, tokens, requests, faults and the rate window; ends parked requests. */
  reset(): void;
}

/**
 * Creates a stateful fake of the Aura API v1: OAuth tokens, tenants, instances
 * with their status over time, snapshots, the rate limit, and injectable
 * faults. Wire format as the real API; every answer carries `X-Request-Id`.
 * It also serves v2beta1 (organizations, project instances with
 * `multi_database`, their databases) behind the same token, rate limit and faults.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createAuraMock, createTestClock } from 'aura-provisioner/testing';
 *
 * const clock = createTestClock();
 * const aura = createAuraMock({ clock, notFoundAfterCreateMs: 20_000 });
 * const server = setupServer(...aura.handlers);
 * server.listen({ onUnhandledRequest: 'error' });
 * // ... create an instance through your client, then:
 * await clock.advance(90_000);
 * expect(aura.instances[0]?.status).toBe('running');
 * ```
 */
export function createAuraMock(options: AuraMockOptions = {}): AuraMock {
  const resolved = resolveOptions(options);
  const multiDatabase = resolveMultiDatabaseOptions(
    options,
    resolved.tenants.map((t) => t.id),
  );
  const state = createState(resolved, createIdSource(resolved.random), multiDatabase);
  const faults = createFaultQueue();
  const parked = createParkedRequests();
  const handle = createDispatcher(state, faults, parked);
  const now = () => resolved.clock.now();
  let handlers: RequestHandler[] | undefined;

  return {
    baseUrl: resolved.baseUrl,
    get handlers() {
      handlers ??= createMswHandlers(handle, resolved.baseUrl);
      return handlers;
    },
    handle,
    listen: (listenOptions) => listenLoopback(handle, resolved.baseUrl, listenOptions),
    get requests() {
      return state.requests.map((r) => ({ ...r }));
    },
    get instances() {
      return liveInstances(state, now()).map(toMockInstance);
    },
    instance(id) {
      const record = findInstance(state, id, now());
      return record && toMockInstance(record);
    },
    addInstance: (seed) => toMockInstance(seedInstance(state, seed, now())),
    setInstanceStatus: (id, status) => forceStatus(state, id, status, now()),
    databases: (instanceId) =>
      databasesOf(state, instanceId, now()).map((db) => ({
        id: db.id,
        name: db.name,
        instanceId: db.instanceId,
        status: databaseStatus(db, now(), state.multiDatabase.databaseNaming),
        createdAt: isoSeconds(db.createdAt),
        isDefault: db.isDefault === true,
      })),
    bill: () => billOf(meteredUntil(state, now())),
    faults: faults.api,
    expireTokens: () => expireAllTokens(state, now()),
    reset() {
      clearState(state);
      faults.api.clear();
      parked.releaseAll();
    },
  };
}
