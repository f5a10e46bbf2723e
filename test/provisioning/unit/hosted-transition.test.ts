import { describe, expect, it } from 'vitest';
import {
  type HostedEvent,
  hostedTransition,
} from '../../../src/provisioning/database/hosted-transition.js';
import type { ProvisioningEvent } from '../../../src/provisioning/transition.js';
import { PROVISIONING_STATUSES, type UserDatabaseRecord } from '../../../src/records/record.js';
import { ctx, NOW, record, SECOND } from './transition-fixtures.js';

const patchOf = (r: UserDatabaseRecord, event: HostedEvent | ProvisioningEvent) => {
  const result = hostedTransition(r, event, ctx);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.patch;
};

describe('hostedTransition: the moves of a user placed on a shared host', () => {
  it('host-awaited keeps the user pending and waiting (database-per-user), from the first wait on', () => {
    const event: HostedEvent = {
      type: 'host-awaited',
      reason: 'waiting-for-host',
      retryAt: NOW + 30 * SECOND,
    };
    const hosted = record({ placement: 'database-per-user', attempts: 0 });
    expect(patchOf(hosted, event)).toEqual({
      lastError: 'waiting-for-host',
      nextCheckAt: NOW + 30 * SECOND,
      waitingForHostSince: NOW,
      attempts: 0,
    });
    const since = NOW - 90 * SECOND;
    expect(patchOf({ ...hosted, waitingForHostSince: since }, event)).toMatchObject({
      waitingForHostSince: since,
    });
  });

  it('database-placed ends the wait for a host', () => {
    const waiting = record({ placement: 'database-per-user', waitingForHostSince: NOW - 1 });
    const event: HostedEvent = {
      type: 'database-placed',
      instanceId: 'h1',
      connectionUrl: 'neo4j+s://h1.databases.neo4j.io',
      username: 'neo4j',
      databaseName: 'db-user-1',
      readAt: NOW + 5 * SECOND,
    };
    expect(patchOf(waiting, event)).toMatchObject({
      status: 'creating',
      waitingForHostSince: null,
      databaseId: null,
      lastError: null,
    });
  });

  it('database-named stores the id Aura answered with the name; database-fenced moves only the version', () => {
    const placed = record({
      placement: 'database-per-user',
      status: 'creating',
      instanceId: 'h1',
      databaseName: 'db-user-1',
      createRequestedAt: NOW - SECOND,
    });
    const named: HostedEvent = {
      type: 'database-named',
      databaseId: 'd-293fd870',
      databaseName: '293fd870',
    };
    expect(patchOf(placed, named)).toEqual({ databaseId: 'd-293fd870', databaseName: '293fd870' });
    expect(patchOf(placed, { type: 'database-fenced' })).toEqual({ nextCheckAt: NOW });
    const unplaced = patchOf({ ...placed, databaseId: 'd1' }, { type: 'database-unplaced' });
    expect(unplaced).toMatchObject({ status: 'pending', instanceId: null, databaseId: null });
  });

  it('refuses a database move outside pending and a hosted creating record, and an instance read of a hosted one', () => {
    const named: HostedEvent = { type: 'database-named', databaseId: 'd1', databaseName: 'n1' };
    for (const status of PROVISIONING_STATUSES.filter((s) => s !== 'pending' && s !== 'creating')) {
      const hosted = record({ placement: 'database-per-user', status });
      expect(hostedTransition(hosted, named, ctx)).toEqual({
        ok: false,
        reason: `database-named does not apply to a ${status} record`,
      });
    }
    expect(hostedTransition(record({ status: 'creating' }), named, ctx).ok).toBe(false);
    const creating = record({ placement: 'database-per-user', status: 'creating' });
    const read: ProvisioningEvent = { type: 'status-seen', status: 'running' };
    expect(hostedTransition(creating, read, ctx).ok).toBe(false);
  });

  it('hands the moves both placements share to the shared machine', () => {
    const creating = record({
      placement: 'database-per-user',
      status: 'creating',
      instanceId: 'h1',
    });
    expect(patchOf(creating, { type: 'deprovision' })).toEqual({
      status: 'deleting',
      nextCheckAt: NOW,
    });
    expect(
      patchOf(creating, { type: 'lost', reason: 'host-lost', reprovision: true }),
    ).toMatchObject({ status: 'pending', instanceId: null, lastError: 'host-lost' });
  });
});
