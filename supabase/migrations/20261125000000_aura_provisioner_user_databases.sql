-- aura-provisioner: one row per user, the state of that user's Neo4j Aura database.
--
-- Read and written only by the server, with the service_role key (which bypasses
-- row-level security). Browsers never see this table: see the end of the file.

create table if not exists public.user_databases (
  -- text, not uuid, and no foreign key to auth.users, on purpose:
  --  * text holds Supabase's uuids and the ids of apps that sign users in elsewhere;
  --    collation "C" gives list() the same byte order as every other store.
  --  * "on delete cascade" would drop the only record of a billed Aura instance
  --    the moment the user is deleted, before anything deprovisions it. Deprovision
  --    on user deletion instead (status 'deleting' -> instance deleted -> row removed);
  --    reconcile reports or deletes instances whose row is gone.
  user_id text collate "C" primary key,
  status text not null
    constraint user_databases_status_check
    check (status in ('pending', 'creating', 'ready', 'failed', 'deleting')),
  -- Compare-and-set: every update bumps it and names the version it read.
  version bigint not null default 1 check (version >= 1),
  -- Derived from user_id before the create call, so an ambiguous create is found by name.
  instance_name text not null constraint user_databases_instance_name_key unique,
  instance_id text,
  neo4j_uri text,
  neo4j_user text,
  -- CIPHERTEXT ONLY: AES-256-GCM by the app's CredentialCipher, bound to user_id.
  neo4j_password text,
  database_name text,
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  -- Every time is written by the app from its own clock; the defaults serve hand-made rows.
  next_check_at timestamptz,
  create_requested_at timestamptz,
  ready_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.user_databases is
  'aura-provisioner: per-user Neo4j Aura databases. Server only (service_role); RLS on, no policies.';
comment on column public.user_databases.neo4j_password is
  'Neo4j password, encrypted by the CredentialCipher (AES-256-GCM, bound to user_id). Never plaintext.';

-- list(): filter by status, then the keyset order (next_check_at, user_id).
create index if not exists user_databases_status_next_check_idx
  on public.user_databases (status, next_check_at, user_id);

-- Row-level security on and no policy: for every role that does not bypass RLS
-- (anon, authenticated) no row is visible or writable, even if a grant slips back.
alter table public.user_databases enable row level security;

-- And no grant either: Supabase's default privileges give anon and authenticated
-- every table created in public, which would expose it through the Data API.
revoke all on table public.user_databases from public, anon, authenticated;

-- The server's role. service_role has BYPASSRLS, so it needs no policy.
grant select, insert, update, delete on table public.user_databases to service_role;
