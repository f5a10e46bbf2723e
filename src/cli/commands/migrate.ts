import { isProvisioningError } from '../../records/errors.js';
import { parseTableName } from '../../stores/postgres-columns.js';
import { createAuraHostsTableSql, defaultHostsTable } from '../../stores/postgres-host-schema.js';
import { createUserDatabasesTableSql } from '../../stores/postgres-schema.js';
import type { PostgresClient } from '../../stores/postgres-store.js';
import type { Command, CommandContext } from '../command.js';
import { requireConfig } from '../config.js';
import { checkStore } from '../doctor-checks.js';
import { CliUsageError } from '../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { openStore, SUPABASE_MIGRATION } from '../services.js';

const SHAPE_FIX =
  'migrate never alters or drops columns: rename that table, or set AURA_PROVISIONER_TABLE to another name.';

// Migrating needs the store alone (--dry-run only its table name).
const NEEDS = ['store'] as const;

/** The table and how many indexes it has, as the catalog says (`exists: false` before a migrate). */
interface TableState {
  exists: boolean;
  indexes: number;
}

async function tableState(client: PostgresClient, qualified: string): Promise<TableState> {
  const { rows } = await client.query(
    `select t.oid is not null as "exists",
       (select count(*)::int from pg_index i where i.indrelid = t.oid) as indexes
     from (select to_regclass($1) as oid) t`,
    [qualified],
  );
  const row = rows[0] as { exists: boolean; indexes: number };
  return { exists: row.exists, indexes: row.indexes };
}

/**
 * A Supabase database: its `auth.users` table and the `service_role` role. There
 * the table must come from the Supabase migration, which also turns row-level
 * security on; the plain table would be open to the API's roles.
 */
async function isSupabase(client: PostgresClient): Promise<boolean> {
  const { rows } = await client.query(
    `select to_regclass('auth.users') is not null
       and exists (select 1 from pg_roles where rolname = 'service_role') as supabase`,
    [],
  );
  return (rows[0] as { supabase: boolean }).supabase;
}

/** What a migrate changed, from the catalog before and after. Pure. */
export function describeChanges(table: string, before: TableState, after: TableState): string[] {
  const indexes = (n: number) => `${n} ${n === 1 ? 'index' : 'indexes'}`;
  if (!before.exists) return [`created table ${table} and its ${indexes(after.indexes)}`];
  const added = after.indexes - before.indexes;
  return added > 0 ? [`added ${added} missing index${added === 1 ? '' : 'es'} to ${table}`] : [];
}

/** The SQL of `migrate`: the user table, then the hosts table beside it. */
export function migrateSql(table: string): string {
  return `${createUserDatabasesTableSql({ table })}
${createAuraHostsTableSql({ table: defaultHostsTable(table) })}`;
}

function dryRun(context: CommandContext): ExitCode {
  // The SQL needs the table name only: no DATABASE_URL, no connection.
  const problems = context.config.issues.filter((i) => i.setting === 'table' || !i.group);
  if (problems.length > 0) {
    throw new CliUsageError(problems.map((i) => i.message).join('; '), 'configuration');
  }
  const table = context.config.values.table as string;
  const sql = migrateSql(table);
  const hostsTable = defaultHostsTable(table);
  context.out.result({ dryRun: true, table, hostsTable, sql }, () => [sql.trimEnd()]);
  context.out.note(`On Supabase, apply ${SUPABASE_MIGRATION} with the Supabase CLI instead.`);
  return EXIT_CODES.ok;
}

/** `migrate [--dry-run]`: creates the store's tables, or completes them. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: "create the store's tables (or print their SQL)",
  usage: 'migrate [--dry-run]',
  description: [
    "Creates the store's table and its index, and the hosts table beside it (`aura_hosts`",
    "in the table's schema), if they do not exist (the SQL of",
    '`PostgresCredentialStore.migrate()`: plain PostgreSQL, no row-level security), then',
    'reads both as `doctor` does. Safe to run again: existing tables and their rows are',
    'kept, and only a missing index, table or column is added (a user table of an earlier',
    "release gets its `placement` column, each existing row's placement filled in, and the",
    'index that keeps each database to one user: where two records held one, the first',
    'ready keeps it and the others fail with `database-held-by-another-user`).',
    '',
    'On Supabase it changes nothing and exits 2: apply the migration shipped in',
    `${SUPABASE_MIGRATION}`,
    'with the Supabase CLI (`supabase db push`), which also turns row-level security on.',
    '',
    '--dry-run prints the SQL and connects to nothing (it needs only the table name).',
    '',
    'Exit code 0: the tables are there and readable; 1: one is there but the store',
    'cannot read it (a table of another shape under that name).',
  ].join('\n'),
  flags: {
    'dry-run': { type: 'boolean', description: 'print the SQL; connect to nothing' },
  },
  needs: NEEDS,
  async run(context) {
    if (context.args.length > 0) {
      throw new CliUsageError(`migrate takes no arguments (got "${context.args[0]}")`);
    }
    if (context.flags['dry-run'] === true) return dryRun(context);
    const { store: settings } = requireConfig(context.config, NEEDS);
    const opened = await openStore(settings, context.out);
    context.onClose(opened.close);
    if (await isSupabase(opened.client)) {
      throw new CliUsageError(
        `This database is a Supabase project's: create the tables with the Supabase CLI (\`supabase db push\`) from ${SUPABASE_MIGRATION}, which also turns row-level security on. Nothing was changed.`,
        'configuration',
      );
    }
    const qualified = parseTableName(settings.table).qualified;
    const hostsTable = defaultHostsTable(settings.table);
    const hostsQualified = parseTableName(hostsTable).qualified;
    const before = await tableState(opened.client, qualified);
    const hostsBefore = await tableState(opened.client, hostsQualified);
    // A table of another shape under either name fails the index, the comment or the read:
    // reported, never altered.
    const failure = await opened.store.migrate().then(
      () => undefined,
      (error: unknown) => {
        const existed = before.exists || hostsBefore.exists;
        if (!existed || !isProvisioningError(error, 'store_failure')) throw error;
        return error.message;
      },
    );
    const after = await tableState(opened.client, qualified);
    const hostsAfter = await tableState(opened.client, hostsQualified);
    const changes = [
      ...describeChanges(settings.table, before, after),
      ...describeChanges(hostsTable, hostsBefore, hostsAfter),
    ];
    const check = failure === undefined ? await checkStore(opened.store, settings) : undefined;
    const hostsProblem =
      failure === undefined && check?.status === 'pass'
        ? await opened.store.listHosts().then(
            () => undefined,
            (error: Error) => `hosts table ${hostsTable}: ${error.message}`,
          )
        : undefined;
    const problem = failure ?? (check?.status === 'pass' ? hostsProblem : check?.detail);
    const result = {
      dryRun: false,
      table: settings.table,
      hostsTable,
      changes,
      readable: !problem,
    };
    context.out.result(problem ? { ...result, problem, fix: SHAPE_FIX } : result, () => [
      changes.length > 0
        ? `Migrated: ${changes.join('; ')}.`
        : `Tables ${settings.table} and ${hostsTable} are up to date: nothing to do.`,
      ...(problem ? [`But it is not the store's table: ${problem}`, `fix: ${SHAPE_FIX}`] : []),
    ]);
    return problem ? EXIT_CODES.problems : EXIT_CODES.ok;
  },
};
