/**
 * `aura-provisioner/neo4j`: per-user neo4j-driver clients. The only entry
 * that loads neo4j-driver (an optional peer, 5.8 or later, or 6); the root entry works
 * without it and has the Query API client for runtimes without Bolt.
 *
 * @example
 * ```ts
 * import { createUserClients } from 'aura-provisioner/neo4j';
 *
 * const clients = createUserClients({ store, cipher, events: provisioner });
 * const { records } = await clients.run(userId, 'MATCH (n) RETURN count(n) AS n');
 * ```
 *
 * @module aura-provisioner/neo4j
 */
import type { Driver } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import { sharedClientsFor } from './client-factory/shared-clients.js';
import {
  createUserClientsWith,
  type UserClients,
  type UserClientsOptions,
} from './client-factory/user-clients.js';
import type { CreateDriver } from './client-factory/user-driver.js';

export type { ProvisioningEventSource } from './client-factory/cache-options.js';
export type {
  UserClients,
  UserClientsOptions,
  UserQueryResult,
} from './client-factory/user-clients.js';
export type { CreateDriver } from './client-factory/user-driver.js';

const createDriver: CreateDriver = (url, authToken, config) => neo4j.driver(url, authToken, config);

/**
 * Per-user Neo4j clients, cached: a neo4j-driver `Driver` per user (the
 * record's URL, the user name Aura returned, the decrypted password, the
 * recorded database), at most `maxSize` of them (LRU, default 500), each
 * closed after `idleMs` unused (default 10 minutes). Concurrent first calls
 * for a user read the store and decrypt once. A driver is dropped when its
 * record changes: at once on the provisioner's events (`events`), or within
 * `revalidateMs` (default 60 s, read in the background) for changes made
 * elsewhere. Evicted drivers close when their open sessions end. Call
 * `closeAll()` at shutdown (or `await using`).
 *
 * Users on a shared host (placement `database-per-user`; the store must keep
 * host records) share one driver per host, made with the host's URL, user
 * name and decrypted password and closed when the last of its users leaves
 * the cache. Each user gets a facade over it (never the driver itself, which
 * holds the host's password) that opens sessions on the user's own database
 * and refuses, before sending anything, whatever could reach another
 * (`UserDatabaseScopeError`: a `database` option, a `USE` of another graph,
 * administration commands, statements the check cannot read for certain,
 * procedures and functions outside `allowedCalls`).
 *
 * Errors say why a user has no driver: `NoUserDatabaseError`,
 * `UserDatabaseNotReadyError` (with the status: await
 * `provisioner.waitUntilReady(userId)`), `UserDatabaseFailedError` (with the
 * reason), `UserCredentialsUnreadableError` (also: a shared host unknown to
 * the store or without credentials).
 *
 * @example
 * ```ts
 * import { createUserClients } from 'aura-provisioner/neo4j';
 *
 * const clients = createUserClients({ store, cipher, events: provisioner, maxSize: 500 });
 * const { records } = await clients.run(userId, 'MATCH (t:Todo) RETURN t.title AS title');
 * const driver = await clients.driverFor(userId); // the same driver on every call
 * await clients.closeAll(); // at shutdown
 * ```
 */
export function createUserClients(options: UserClientsOptions): UserClients {
  return createUserClientsWith(createDriver, options);
}

/**
 * The cache behind {@link createClientForUser} for this `store`: made by the
 * first call with its options, shared by every later call with the same
 * store (a different `cipher` for it is refused). Close it at shutdown;
 * the next call after that makes a fresh one.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => sharedUserClients({ store, cipher }).closeAll());
 * ```
 */
export function sharedUserClients(options: UserClientsOptions): UserClients {
  return sharedClientsFor(options, createUserClients);
}

/**
 * A ready neo4j-driver `Driver` for the user, from a cache shared by every
 * call with the same `store` ({@link sharedUserClients}): the first call
 * reads the store and decrypts; later calls take microseconds. The cache
 * owns the driver (its `close()` does nothing); close sessions as usual.
 * For several caches or explicit lifetimes, use {@link createUserClients}.
 *
 * @example
 * ```ts
 * import { createClientForUser } from 'aura-provisioner/neo4j';
 *
 * const driver = await createClientForUser(userId, { store, cipher });
 * const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS n');
 * ```
 */
export function createClientForUser(userId: string, options: UserClientsOptions): Promise<Driver> {
  return sharedUserClients(options).driverFor(userId);
}
