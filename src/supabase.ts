/**
 * `aura-provisioner/supabase`: the credential store on Supabase, through the
 * Data API. Bring your own service-role client from the optional peer
 * `@supabase/supabase-js`; this entry only imports its types. The store also
 * keeps the host records of the `database-per-user` placement, in the table
 * of the second shipped migration (`aura_hosts`).
 *
 * @example
 * ```ts
 * import { createClient } from '@supabase/supabase-js';
 * import { SupabaseCredentialStore } from 'aura-provisioner/supabase';
 *
 * const supabaseAdmin = createClient(url, serviceRoleKey, { auth: { persistSession: false } });
 * const store = new SupabaseCredentialStore({ client: supabaseAdmin });
 * ```
 *
 * @module aura-provisioner/supabase
 */
export type { UserDatabaseColumns, UserDatabaseField } from './stores/postgres-columns.js';
export {
  SupabaseCredentialStore,
  type SupabaseCredentialStoreOptions,
} from './stores/supabase-store.js';
