-- aura-provisioner: every user row stores its placement, where the user's database lives:
-- 'instance-per-user' (an Aura instance of its own) or 'database-per-user' (a database on
-- a shared host of public.aura_hosts). Set when the user is claimed; never changed after.
--
-- Upgrades public.user_databases (20261125000000_aura_provisioner_user_databases.sql) in
-- place and can run again: the column is added where missing, and only rows from before it
-- (placement still null) are filled in.

alter table public.user_databases
  add column if not exists placement text
    constraint user_databases_placement_check
    check (placement in ('instance-per-user', 'database-per-user'));

-- Rows from before the column: a row on a shared host names its instance and its database
-- and has no password of its own (the host's is used); a row waiting for a slot on a host
-- has no instance yet and says why; every other row has its own instance.
update public.user_databases
  set placement = case
    when instance_id is not null and database_name is not null and neo4j_password is null
      then 'database-per-user'
    when instance_id is null and last_error = 'waiting-for-host'
      then 'database-per-user'
    else 'instance-per-user'
  end
  where placement is null;

alter table public.user_databases alter column placement set default 'instance-per-user';
alter table public.user_databases alter column placement set not null;

-- database-per-user: since when a pending user waits for a free slot on a host (null when not
-- waiting). A host with room wakes the users waiting for one.
alter table public.user_databases add column if not exists waiting_for_host_since timestamptz;

-- database-per-user: the id Aura gave the user's database on its host, stored as soon as Aura
-- answers the create (null until then). Aura may name the database itself; the id names it.
alter table public.user_databases add column if not exists database_id text;
