/**
 * An in-memory stand-in for a Supabase project's Data API (PostgREST behind
 * the API gateway), answering what PostgREST documents for the requests
 * supabase-js sends: GET/POST/PATCH/DELETE on `/rest/v1/<table>`, the
 * filters of `postgrest-query.ts`, `Prefer` (`return`, `resolution`,
 * `missing`), `on_conflict`, `columns`, profiles, `max-rows`, the API keys,
 * and Postgres' errors as PostgREST's JSON. Each request runs to completion
 * in one step, which makes it atomic like a single SQL statement.
 * Anything it does not model is answered 500 and recorded in `misunderstood`.
 */
import { HttpResponse, http, type RequestHandler } from 'msw';
import { matching, type ParsedQuery, parseQuery, sortRows } from './postgrest-query.js';
import { auraHostsTable, userDatabasesTable } from './postgrest-schema.js';
import { MockMisunderstood, PgError, type Row, type TableDef, toJson } from './postgrest-table.js';
import { checkUnknownColumns, deleteRows, insertRows, updateRows } from './postgrest-writes.js';

export interface PostgrestMockOptions {
  /** The project URL. Default `https://project-ref.supabase.co`. */
  url?: string;
  serviceRoleKey?: string;
  anonKey?: string;
  /** Default: the migrations' `public.user_databases` and `public.aura_hosts`. */
  tables?: TableDef[];
  /** Schemas the Data API exposes; the first is the default. Default `public`, `graphql_public`. */
  exposedSchemas?: string[];
  /** PostgREST's `db-max-rows`: 1,000 on Supabase. */
  maxRows?: number;
}

/** One request as the mock received it. */
export interface PostgrestRequestRecord {
  method: string;
  table: string;
  /** The decoded query parameters, in order. */
  params: [string, string][];
  prefer: string[];
  profile: string | null;
  body: unknown;
  status: number;
}

type Role = 'service_role' | 'anon';

export function createPostgrestMock(options: PostgrestMockOptions = {}) {
  const url = options.url ?? 'https://project-ref.supabase.co';
  const serviceRoleKey =
    options.serviceRoleKey ?? 'service-role-key.eyJyb2xlIjoic2VydmljZV9yb2xlIn0';
  const anonKey = options.anonKey ?? 'anon-key.eyJyb2xlIjoiYW5vbiJ9';
  const tables = options.tables ?? [userDatabasesTable(), auraHostsTable()];
  const exposed = options.exposedSchemas ?? ['public', 'graphql_public'];
  const maxRows = options.maxRows ?? 1_000;
  const data = new Map<TableDef, Row[]>(tables.map((table) => [table, []]));
  const requests: PostgrestRequestRecord[] = [];
  const misunderstood: string[] = [];

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    HttpResponse.json(body as never, { status, headers });

  function authenticate(request: Request): Role | Response {
    const key = request.headers.get('apikey');
    const role = key === serviceRoleKey ? 'service_role' : key === anonKey ? 'anon' : undefined;
    if (role === undefined) {
      // The API gateway answers before PostgREST sees the request.
      return json(401, {
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      });
    }
    if (request.headers.get('authorization') !== `Bearer ${key}`) {
      throw new MockMisunderstood('an Authorization other than the API key (a user session?)');
    }
    return role;
  }

  function preferences(request: Request, method: string): Map<string, string> {
    const prefer = new Map<string, string>();
    const allowed: Record<string, string[]> = {
      return: ['minimal', 'representation'],
      ...(method === 'POST'
        ? { resolution: ['ignore-duplicates', 'merge-duplicates'], missing: ['default'] }
        : {}),
    };
    for (const item of (request.headers.get('prefer') ?? '').split(',')) {
      if (item.trim() === '') continue;
      const [key = '', value = ''] = item.trim().split('=');
      if (method === 'GET' || !allowed[key]?.includes(value)) {
        throw new MockMisunderstood(`Prefer: ${item.trim()} on ${method}`);
      }
      prefer.set(key, value);
    }
    return prefer;
  }

  const render = (query: ParsedQuery, rows: readonly Row[]) =>
    rows.map((row) =>
      Object.fromEntries(query.select.map((c) => [c.name, toJson(c, row[c.name] ?? null)])),
    );

  function read(table: TableDef, query: ParsedQuery): Response {
    if (query.onConflict || query.columns)
      throw new MockMisunderstood('on_conflict/columns on GET');
    checkUnknownColumns(table, query);
    const rows = sortRows(matching(data.get(table) ?? [], query.where), query.order);
    const offset = query.offset ?? 0;
    // db-max-rows caps every read, whatever limit the request asked for.
    const page = rows.slice(offset, offset + Math.min(query.limit ?? maxRows, maxRows));
    const range = page.length === 0 ? '*/*' : `${offset}-${offset + page.length - 1}/*`;
    return json(200, render(query, page), { 'Content-Range': range });
  }

  function write(
    table: TableDef,
    query: ParsedQuery,
    prefer: Map<string, string>,
    method: string,
    body: unknown,
  ) {
    const current = data.get(table) ?? [];
    const result =
      method === 'POST'
        ? insertRows(table, current, query, prefer, body)
        : method === 'PATCH'
          ? updateRows(table, current, query, body)
          : deleteRows(table, current, query);
    data.set(table, result.rows);
    const status = method === 'POST' ? 201 : 200;
    if (prefer.get('return') !== 'representation') {
      return new HttpResponse(null, { status: status === 201 ? 201 : 204 });
    }
    return json(status, render(query, result.affected));
  }

  async function respond(request: Request, record: PostgrestRequestRecord): Promise<Response> {
    const role = authenticate(request);
    if (role instanceof Response) return role;
    const method = request.method;
    if (!['GET', 'POST', 'PATCH', 'DELETE'].includes(method))
      throw new MockMisunderstood(`method ${method}`);
    const accept = request.headers.get('accept');
    if (accept !== null && accept !== '*/*' && accept !== 'application/json') {
      throw new MockMisunderstood(`Accept: ${accept}`);
    }
    const profile = record.profile ?? exposed[0];
    if (!exposed.includes(profile as string)) {
      const hint = `Only the following schemas are exposed: ${exposed.join(', ')}`;
      throw new PgError(406, 'PGRST106', `Invalid schema: ${profile}`, null, hint);
    }
    const table = tables.find((t) => t.schema === profile && t.name === record.table);
    if (!table) {
      throw new PgError(
        404,
        'PGRST205',
        `Could not find the table '${profile}.${record.table}' in the schema cache`,
      );
    }
    // The migration grants anon nothing: PostgREST's 42501, 401 for the anonymous role.
    if (role === 'anon')
      throw new PgError(401, '42501', `permission denied for table ${table.name}`);
    const prefer = preferences(request, method);
    const query = parseQuery(table, new URL(request.url).searchParams);
    return method === 'GET' ? read(table, query) : write(table, query, prefer, method, record.body);
  }

  /** Answers one request, as the Data API would. */
  async function handle(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const record: PostgrestRequestRecord = {
      method: request.method,
      table: pathname.replace(/^\/rest\/v1\//, ''),
      params: [...searchParams],
      prefer: (request.headers.get('prefer') ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      profile: request.headers.get(request.method === 'GET' ? 'accept-profile' : 'content-profile'),
      body: undefined,
      status: 0,
    };
    requests.push(record);
    let response: Response;
    try {
      if (text !== '') record.body = JSON.parse(text);
      if (!pathname.startsWith('/rest/v1/') || record.table.includes('/')) {
        throw new MockMisunderstood(`path ${pathname}`);
      }
      response = await respond(request, record);
    } catch (error) {
      if (error instanceof PgError) response = json(error.status, error.body);
      else {
        const message = `${request.method} ${pathname}: ${(error as Error).message}`;
        misunderstood.push(message);
        response = json(500, {
          code: 'MOCK',
          details: null,
          hint: null,
          message: `postgrest-mock does not model ${message}`,
        });
      }
    }
    record.status = response.status;
    return response;
  }

  return {
    url,
    serviceRoleKey,
    anonKey,
    handle,
    /** MSW handlers for `<url>/rest/v1/*`; anything else under the URL stays unhandled (an error). */
    handlers: [http.all(`${url}/rest/v1/*`, ({ request }) => handle(request))] as RequestHandler[],
    /** Every request received, in order. */
    requests,
    /** The requests the mock could not model; a test must end with none. */
    misunderstood,
    /** The stored rows of `table` (default: the first), as PostgREST renders them. */
    rows(name = tables[0]?.name): Record<string, unknown>[] {
      const table = tables.find((t) => t.name === name) as TableDef;
      return (data.get(table) ?? []).map((row) =>
        Object.fromEntries(table.columns.map((c) => [c.name, toJson(c, row[c.name] ?? null)])),
      );
    },
  };
}

export type PostgrestMock = ReturnType<typeof createPostgrestMock>;
