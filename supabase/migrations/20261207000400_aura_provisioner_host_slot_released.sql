-- aura-provisioner: each host remembers when a user's database on it was last deleted and its
-- slot handed back. Aura may count a deleted database toward the host's limit for a while: a
-- limit refusal soon after does not lower the host's capacity.
--
-- Upgrades public.aura_hosts (20261204000000_aura_provisioner_hosts.sql) in place and can run
-- again: existing rows are kept, with the column null (no slot has come back). Row-level
-- security, grants and the other columns are left alone.

alter table public.aura_hosts add column if not exists slot_released_at timestamptz;

comment on column public.aura_hosts.slot_released_at is
  'When a user''s database on the host was last deleted and its slot handed back; null when no slot has come back.';
