import type { AuthToken, Config, Driver } from 'neo4j-driver';
import { CLIENT_FACTORY_DEFAULTS } from './defaults.js';
import type { UserConnection } from './user-connection.js';
import type { CreateDriver } from './user-driver.js';

interface HostDriver {
  driver: Driver;
  /** User clients built on it and not closed yet. */
  users: number;
}

/**
 * The drivers of shared hosts (placement `database-per-user`): one per host
 * connection (URL, user name, encrypted password), however many of its
 * users have a client. Each user client holds one reference; the driver
 * closes when the last is released (the user clients leave the cache when
 * evicted, idle, invalidated or at `closeAll`). A host whose password
 * changes gets a new driver; the old one closes with its last user client.
 */
export class HostDrivers {
  readonly #drivers = new Map<string, HostDriver>();
  readonly #createDriver: CreateDriver;
  readonly #driverConfig: Config | undefined;

  constructor(options: { createDriver: CreateDriver; driverConfig?: Config | undefined }) {
    this.#createDriver = options.createDriver;
    this.#driverConfig = options.driverConfig;
  }

  /** Host drivers open now. */
  get size(): number {
    return this.#drivers.size;
  }

  /** The host's driver, made on first use, with a reference taken; call `release` once when done. */
  acquire(
    connection: UserConnection,
    password: string,
  ): { driver: Driver; release: () => Promise<void> } {
    const key = JSON.stringify([
      connection.connectionUrl,
      connection.username,
      connection.encryptedPassword,
    ]);
    let shared = this.#drivers.get(key);
    if (shared === undefined) {
      const authToken: AuthToken = {
        scheme: 'basic',
        principal: connection.username,
        credentials: password,
      };
      const driver = this.#createDriver(connection.connectionUrl, authToken, {
        ...CLIENT_FACTORY_DEFAULTS.driverConfig,
        ...this.#driverConfig,
      });
      shared = { driver, users: 0 };
      this.#drivers.set(key, shared);
    }
    shared.users++;
    const host = shared;
    let released = false;
    return {
      driver: host.driver,
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        host.users--;
        if (host.users > 0) return Promise.resolve();
        if (this.#drivers.get(key) === host) this.#drivers.delete(key);
        return host.driver.close();
      },
    };
  }
}
