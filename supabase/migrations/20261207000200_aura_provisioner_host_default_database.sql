-- aura-provisioner: each host remembers its own databases (its default database, which Aura
-- never deletes), so that reconcile never takes one for a user's leftover.
--
-- Upgrades public.aura_hosts (20261204000000_aura_provisioner_hosts.sql) in place and can run
-- again: existing rows are kept, with the column null (not known). Row-level security, grants
-- and the other columns are left alone.

-- The ids of the host's own databases, comma-separated: the default_database_id Aura answered
-- the host's create with, else the databases the host listed when it became ready, before any
-- user was placed on it. Null while unknown: reconcile then deletes no database on the host
-- that Aura named.
alter table public.aura_hosts add column if not exists default_database_ids text;

comment on column public.aura_hosts.default_database_ids is
  'Ids of the host''s own databases (its default), comma-separated; null while unknown.';
