-- aura-provisioner: one database, one user. No two rows of public.user_databases may hold the
-- same database of a shared host: a partial unique index on (instance_id, database_id), for
-- rows with a database_id. A write that would break it is refused (409, SQLSTATE 23505), which
-- the store answers as a change that was not applied.
--
-- Upgrades public.user_databases (after 20261207000000_aura_provisioner_placement.sql, which
-- added database_id) in place and can run again. Row-level security, grants and the other
-- columns are left alone.

-- An earlier version could, in a race, leave two rows holding one database. The row that became
-- ready first (then the oldest, then the lowest user_id) keeps it; each other one lets go of
-- everything it held, as for a database found lost, and fails with
-- 'database-held-by-another-user' for an operator to retry (a 'deleting' row stays deleting,
-- with nothing left to delete but the row). No other row changes.
update public.user_databases as mine
  set status = case when mine.status = 'deleting' then 'deleting' else 'failed' end,
      last_error = 'database-held-by-another-user',
      next_check_at = case when mine.status = 'deleting' then now() end,
      instance_id = null,
      neo4j_uri = null,
      neo4j_user = null,
      neo4j_password = null,
      database_name = null,
      database_id = null,
      create_requested_at = null,
      ready_at = null,
      version = mine.version + 1,
      updated_at = now()
  where mine.database_id is not null
    and exists (
      select 1 from public.user_databases as other
       where other.instance_id = mine.instance_id
         and other.database_id = mine.database_id
         and (coalesce(other.ready_at, 'infinity'), other.created_at, other.user_id)
           < (coalesce(mine.ready_at, 'infinity'), mine.created_at, mine.user_id)
    );

create unique index if not exists user_databases_instance_database_key
  on public.user_databases (instance_id, database_id)
  where database_id is not null;
