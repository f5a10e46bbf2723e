/**
 * The part of supabase-js (`@supabase/postgrest-js`) that `SupabaseCredentialStore`
 * calls, typed structurally. The store casts the client to these shapes once,
 * so the root package needs neither supabase-js at runtime nor its deep
 * generics (a typed `Database` without `user_databases` still fits).
 * Every method here exists, with this meaning, since supabase-js 2.32
 * (`schema()` came then; the rest is as old as 2.0).
 */

/** An error body of PostgREST (`{ code, message, details, hint }`), or supabase-js' network error. */
export interface PostgrestErrorBody {
  message?: unknown;
  code?: unknown;
  details?: unknown;
  hint?: unknown;
}

/**
 * What awaiting a builder gives when `throwOnError()` was not called:
 * supabase-js never rejects then, a network failure comes back as
 * `status: 0` with a synthetic error.
 */
export interface PostgrestAnswer {
  data: unknown;
  error: PostgrestErrorBody | null;
  /** The HTTP status; 0 when no response arrived. */
  status: number;
}

/** A request being built: filters and modifiers append query parameters. */
export interface FilterBuilder extends PromiseLike<PostgrestAnswer> {
  /** Columns to return; on a write it also adds `Prefer: return=representation`. */
  select(columns: string): FilterBuilder;
  /** `column=eq.value`: the value is sent verbatim, PostgREST reads it to the end. */
  eq(column: string, value: string | number): FilterBuilder;
  gt(column: string, value: string): FilterBuilder;
  lte(column: string, value: string): FilterBuilder;
  is(column: string, value: null): FilterBuilder;
  in(column: string, values: readonly string[]): FilterBuilder;
  /** `or=(filters)`: a PostgREST logic tree, values quoted by the caller. */
  or(filters: string): FilterBuilder;
  order(column: string, options: { ascending: boolean; nullsFirst?: boolean }): FilterBuilder;
  limit(count: number): FilterBuilder;
}

/** `client.from(table)`. */
export interface TableBuilder {
  select(columns: string): FilterBuilder;
  /** POST with `Prefer: resolution=ignore-duplicates|merge-duplicates` and `on_conflict`. */
  upsert(
    values: Record<string, unknown>,
    options: { onConflict: string; ignoreDuplicates: boolean },
  ): FilterBuilder;
  /** PATCH; the filters select the rows. */
  update(values: Record<string, unknown>): FilterBuilder;
  /** DELETE; the filters select the rows. */
  delete(): FilterBuilder;
}

/** A `SupabaseClient`, or what `client.schema(name)` returns. */
export interface TableSource {
  from(table: string): TableBuilder;
}

/** A `SupabaseClient` as the store uses it. */
export interface SupabaseClientLike extends TableSource {
  schema(name: string): TableSource;
}
