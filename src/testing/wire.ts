/**
 * The Aura API's wire format (snake_case) for what the fake stores. Bodies
 * here are the `data` part; `dataReply` wraps them.
 */
import type { InstanceConfiguration, InstanceStatus, TenantSeed } from './model.js';
import type { InstanceRecord, SnapshotRecord } from './state.js';

/**
 * ISO 8601 at whole seconds, as Aura sends timestamps: `2023-01-20T13:44:42Z`.
 *
 * @example
 * ```ts
 * isoSeconds(Date.UTC(2026, 0, 1)); // '2026-01-01T00:00:00Z'
 * ```
 */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Bolt URL of an instance.
 *
 * @example
 * ```ts
 * connectionUrl('2f49c2b3'); // 'neo4j+s://2f49c2b3.databases.neo4j.io'
 * ```
 */
export function connectionUrl(id: string): string {
  return `neo4j+s://${id}.databases.neo4j.io`;
}

/** `GET /instances` item: no status, by design of the API. */
export function instanceSummaryWire(record: InstanceRecord) {
  return {
    id: record.id,
    name: record.name,
    tenant_id: record.tenantId,
    cloud_provider: record.cloudProvider,
    created_at: isoSeconds(record.createdAt),
  };
}

/**
 * `GET /instances/{id}` data. Never the password. `graph_nodes` and
 * `graph_relationships` are left out: the spec says strings, the live API
 * sends numbers, and omitting them fits both.
 */
export function instanceWire(record: InstanceRecord, status: InstanceStatus = record.phase.status) {
  return {
    id: record.id,
    name: record.name,
    status,
    tenant_id: record.tenantId,
    cloud_provider: record.cloudProvider,
    connection_url: record.connectionUrl ?? connectionUrl(record.id),
    region: record.region,
    type: record.type,
    memory: record.memory,
    storage: record.storage,
    created_at: isoSeconds(record.createdAt),
    vector_optimized: record.vectorOptimized,
    graph_analytics_plugin: record.graphAnalyticsPlugin,
  };
}

/** `POST /instances` data: the only answer that carries the password. */
export function createdInstanceWire(record: InstanceRecord) {
  return {
    id: record.id,
    connection_url: record.connectionUrl ?? connectionUrl(record.id),
    username: record.username,
    password: record.password,
    tenant_id: record.tenantId,
    cloud_provider: record.cloudProvider,
    region: record.region,
    type: record.type,
    name: record.name,
    created_at: isoSeconds(record.createdAt),
    vector_optimized: record.vectorOptimized,
    graph_analytics_plugin: record.graphAnalyticsPlugin,
  };
}

/** `GET /instances/{id}/snapshots/{sid}` data, with the status at `now`. */
export function snapshotWire(snapshot: SnapshotRecord, now: number) {
  return {
    instance_id: snapshot.instanceId,
    profile: snapshot.profile,
    snapshot_id: snapshot.snapshotId,
    status: now >= snapshot.completesAt ? 'Completed' : 'InProgress',
    timestamp: isoSeconds(snapshot.takenAt),
    exportable: snapshot.exportable,
  };
}

/** `GET /tenants` item. */
export function tenantSummaryWire(tenant: TenantSeed) {
  return { id: tenant.id, name: tenant.name };
}

/** `GET /tenants/{id}` data. */
export function tenantWire(tenant: Required<TenantSeed>) {
  return {
    id: tenant.id,
    name: tenant.name,
    instance_configurations: tenant.instanceConfigurations.map(configurationWire),
  };
}

function configurationWire(config: InstanceConfiguration) {
  return {
    region: config.region,
    region_name: config.regionName,
    type: config.type,
    memory: config.memory,
    storage: config.storage,
    version: config.version,
    cloud_provider: config.cloudProvider,
  };
}
