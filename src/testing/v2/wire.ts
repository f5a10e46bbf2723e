/**
 * The v2beta1 wire format of what the fake stores. Field sets follow the Go SDK
 * (neo4j-contrib/aura-go-sdk, v2beta1); a database's fields beyond `id` are UNKNOWN.
 */
import type { DatabaseRecord, InstanceRecord } from '../state.js';
import { connectionUrl, isoSeconds } from '../wire.js';
import { databaseStatus } from './database-registry.js';

/** `GET .../instances` item: the Go SDK reads `status` here. */
export function projectInstanceSummaryWire(record: InstanceRecord) {
  return {
    id: record.id,
    name: record.name,
    status: record.phase.status,
    cloud_provider: record.cloudProvider,
    created_at: isoSeconds(record.createdAt),
  };
}

/** `GET .../instances/{id}` data: the status as `legacy_status` only, as the Go SDK reads it. */
export function projectInstanceWire(record: InstanceRecord) {
  return {
    id: record.id,
    name: record.name,
    legacy_status: record.phase.status,
    connection_url: record.connectionUrl ?? connectionUrl(record.id),
    project_id: record.tenantId,
    cloud_provider: record.cloudProvider,
    region: record.region,
    type: record.type,
    memory: record.memory,
    storage: record.storage,
    multi_database: record.multiDatabase ?? false,
    created_at: isoSeconds(record.createdAt),
  };
}

/** `POST .../instances` data: the only answer that carries the password. */
export function createdProjectInstanceWire(record: InstanceRecord, defaultDatabaseId?: string) {
  return {
    id: record.id,
    name: record.name,
    connection_url: record.connectionUrl ?? connectionUrl(record.id),
    username: record.username,
    password: record.password,
    project_id: record.tenantId,
    cloud_provider: record.cloudProvider,
    region: record.region,
    type: record.type,
    storage: record.storage,
    legacy_status: record.phase.status,
    multi_database: record.multiDatabase ?? false,
    created_at: isoSeconds(record.createdAt),
    ...(defaultDatabaseId === undefined ? {} : { default_database_id: defaultDatabaseId }),
  };
}

/** A database, with the fake's guessed status at `now`. */
export function databaseWire(
  record: DatabaseRecord,
  now: number,
  naming: 'caller' | 'auto' = 'caller',
) {
  return { id: record.id, name: record.name, status: databaseStatus(record, now, naming) };
}
