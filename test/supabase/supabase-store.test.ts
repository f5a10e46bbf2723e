import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import type { UserDatabaseColumns } from '../../src/stores/postgres-columns.js';
import { SupabaseCredentialStore } from '../../src/stores/supabase-store.js';
import { describeHostStoreConformance } from '../stores/host-store-conformance.js';
import { describeStoreConformance } from '../stores/store-conformance.js';
import { seedStyleTable } from '../support/postgrest-schema.js';
import { createServiceClient, usePostgrestMock } from '../support/postgrest-server.js';
import { newRecord } from './fixtures.js';

const { setup } = usePostgrestMock();

// The seed app's names where they differ from the defaults.
const SEED_COLUMNS: UserDatabaseColumns = {
  instanceId: 'aura_instance_id',
  attempts: 'provision_attempts',
  lastError: 'error_message',
};

describeStoreConformance('SupabaseCredentialStore (PostgREST over MSW)', async (clock) => {
  const mock = setup();
  return { store: new SupabaseCredentialStore({ client: createServiceClient(mock), clock }) };
});

describeStoreConformance(
  'SupabaseCredentialStore on a seed-style table (PostgREST over MSW)',
  async (clock) => {
    const mock = setup({ tables: [seedStyleTable(SEED_COLUMNS)] });
    const client = createServiceClient(mock);
    return { store: new SupabaseCredentialStore({ client, clock, columns: SEED_COLUMNS }) };
  },
);

describeHostStoreConformance('SupabaseCredentialStore (PostgREST over MSW)', async (clock) => {
  const mock = setup();
  return { store: new SupabaseCredentialStore({ client: createServiceClient(mock), clock }) };
});

describe('SupabaseCredentialStore column mapping', () => {
  it("writes the columns the seed app already reads, and leaves the table's own key to it", async () => {
    const mock = setup({ tables: [seedStyleTable(SEED_COLUMNS)] });
    const store = new SupabaseCredentialStore({
      client: createServiceClient(mock),
      columns: SEED_COLUMNS,
    });
    const userId = '6f1c1a52-3c1e-4f54-9d5a-0f6f2b1f9c11';
    await store.claim(
      newRecord(userId, {
        instanceId: 'a1b2c3d4',
        connectionUrl: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
        username: 'neo4j',
        encryptedPassword: 'v1:k1:iv:ciphertext',
        databaseName: 'neo4j',
        attempts: 1,
        lastError: 'none yet',
      }),
    );
    const [row] = mock.rows();
    expect(row).toMatchObject({
      user_id: userId,
      neo4j_uri: 'neo4j+s://a1b2c3d4.databases.neo4j.io',
      neo4j_user: 'neo4j',
      neo4j_password: 'v1:k1:iv:ciphertext',
      database_name: 'neo4j',
      status: 'pending',
      aura_instance_id: 'a1b2c3d4',
      provision_attempts: 1,
      error_message: 'none yet',
    });
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row).not.toHaveProperty('instance_id');
  });

  it('accepts a client typed with an app Database that does not declare the table', () => {
    interface Database {
      public: {
        Tables: {
          profiles: {
            Row: { id: string };
            Insert: { id: string };
            Update: { id?: string };
            Relationships: [];
          };
        };
        Views: Record<never, never>;
        Functions: Record<never, never>;
        Enums: Record<never, never>;
        CompositeTypes: Record<never, never>;
      };
    }
    const mock = setup();
    const client = createClient<Database>(mock.url, mock.serviceRoleKey, {
      auth: { persistSession: false },
    });
    expect(new SupabaseCredentialStore({ client })).toBeInstanceOf(SupabaseCredentialStore);
  });
});

describe('SupabaseCredentialStore deployment key', () => {
  it('names the project and the table: the same for every process on them, another for another table or project', async () => {
    const key = 'service-role-key';
    const store = (url: string, table?: string) =>
      new SupabaseCredentialStore({ client: createClient(url, key), ...(table ? { table } : {}) });
    const prod = await store('https://prod.supabase.co').deploymentKey();
    expect(prod).toBe('supabase:https://prod.supabase.co/public.user_databases');
    expect(await store('https://prod.supabase.co/').deploymentKey()).toBe(prod);
    expect(await store('https://prod.supabase.co', 'staging_users').deploymentKey()).not.toBe(prod);
    expect(await store('https://staging.supabase.co').deploymentKey()).not.toBe(prod);
  });
});
