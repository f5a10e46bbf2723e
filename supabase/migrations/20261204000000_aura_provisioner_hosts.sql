-- aura-provisioner: one row per shared Aura instance ("host") of the database-per-user
-- placement, which puts many users' databases on one multi-database instance.
--
-- Beside public.user_databases (20261125000000_aura_provisioner_user_databases.sql),
-- which this migration does not touch. Read and written only by the server, with the
-- service_role key (which bypasses row-level security). Browsers never see this table:
-- see the end of the file.

create table if not exists public.aura_hosts (
  -- The host instance's name (<prefix>host-0001); collation "C" gives listHosts()
  -- the same byte order as every other store.
  host_name text collate "C" primary key,
  status text not null
    constraint aura_hosts_status_check
    check (status in ('pending', 'creating', 'ready', 'failed', 'deleting')),
  -- Compare-and-set: every update bumps it and names the version it read.
  version bigint not null default 1 check (version >= 1),
  instance_id text,
  connection_url text,
  username text,
  -- CIPHERTEXT ONLY: the host's password, encrypted by the app's CredentialCipher.
  -- One password for every user placed on the host.
  encrypted_password text,
  -- Databases the instance may hold, neo4j counted; used: slots taken (1 for neo4j).
  capacity integer not null check (capacity >= 1),
  used integer not null default 1 check (used >= 0),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  -- Every time is written by the app from its own clock; the defaults serve hand-made rows.
  next_check_at timestamptz,
  create_requested_at timestamptz,
  ready_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.aura_hosts is
  'aura-provisioner: shared Neo4j Aura instances holding users'' databases. Server only (service_role); RLS on, no policies.';
comment on column public.aura_hosts.encrypted_password is
  'Neo4j password of the host instance, encrypted by the CredentialCipher (AES-256-GCM). Never plaintext.';

-- Row-level security on and no policy: for every role that does not bypass RLS
-- (anon, authenticated) no row is visible or writable, even if a grant slips back.
alter table public.aura_hosts enable row level security;

-- And no grant either: Supabase's default privileges give anon and authenticated
-- every table created in public, which would expose it through the Data API.
revoke all on table public.aura_hosts from public, anon, authenticated;

-- The server's role. service_role has BYPASSRLS, so it needs no policy.
grant select, insert, update, delete on table public.aura_hosts to service_role;
