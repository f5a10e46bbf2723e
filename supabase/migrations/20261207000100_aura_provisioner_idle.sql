-- aura-provisioner: the idle policy, which pauses the instances of users who have not used
-- their database for a while and resumes them on their next use.
--
-- Upgrades public.user_databases (20261125000000_aura_provisioner_user_databases.sql) in place:
-- existing rows are kept as they are. Row-level security, grants and the other columns are
-- left alone.

-- When the app last used the user's database (written by the store's recordUse(), which never
-- moves it backwards). Null until the first recorded use.
alter table public.user_databases add column if not exists last_used_at timestamptz;

-- Two more statuses: 'paused' (the instance was paused for lack of use) and 'resuming' (a use
-- woke it). Dropped and added in one statement, so no row slips in without the check.
alter table public.user_databases
  drop constraint if exists user_databases_status_check,
  add constraint user_databases_status_check
    check (status in ('pending', 'creating', 'ready', 'failed', 'deleting', 'paused', 'resuming'));
