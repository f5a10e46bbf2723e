/**
 * The query string of a PostgREST request, parsed as PostgREST parses it
 * (`src/PostgREST/ApiRequest/QueryParams.hs`) for the subset the mock
 * models: `select` of plain columns, filters `eq neq gt gte lt lte in is`
 * with `not.`, logic trees `or=(...)`/`and=(...)` nested, `order`, `limit`,
 * `offset`, `on_conflict`, `columns`. Everything else is refused loudly.
 * Filters are evaluated with SQL's three-valued logic.
 */

import { element, listValue, quoted, Scanner } from './postgrest-grammar.js';
import {
  type ColumnDef,
  compareValues,
  fromLiteral,
  MockMisunderstood,
  type Row,
  type TableDef,
  type Value,
} from './postgrest-table.js';

type Comparison = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
export type Condition =
  | { kind: 'compare'; column: ColumnDef; not: boolean; op: Comparison; value: Value }
  | { kind: 'in'; column: ColumnDef; not: boolean; values: Value[] }
  | { kind: 'is'; column: ColumnDef; not: boolean; value: 'null' | 'not_null' }
  | { kind: 'logic'; op: 'and' | 'or'; not: boolean; children: Condition[] };

export interface OrderTerm {
  column: ColumnDef;
  descending: boolean;
  nullsFirst: boolean;
}

export interface ParsedQuery {
  select: ColumnDef[];
  where: Condition[];
  order: OrderTerm[];
  limit: number | undefined;
  offset: number | undefined;
  onConflict: string[] | undefined;
  columns: string[] | undefined;
  /** Columns named but missing: Postgres fails with 42703 when the query runs. */
  unknown: string[];
}

const COMPARISONS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Finds a column by name; unknown ones are collected, for Postgres to reject at execution. */
type Resolve = (name: string) => ColumnDef;

function resolver(table: TableDef, unknown: string[]): Resolve {
  return (name) => {
    if (!IDENTIFIER.test(name)) throw new MockMisunderstood(`field ${JSON.stringify(name)}`);
    const column = table.columns.find((c) => c.name === name);
    if (column) return column;
    unknown.push(name);
    return { name, type: 'text' };
  };
}

/**
 * pOpExpr: `[not.]op.value`; `value` reads the single value (to the end, or a
 * logic-tree one). Literals are cast to the column's type here, as Postgres
 * does when it plans the query: a bad one fails even if no row is compared.
 */
function operation(
  resolve: Resolve,
  name: string,
  s: Scanner,
  value: (s: Scanner) => string,
): Condition {
  const column = resolve(name);
  const not = s.take('not.');
  const op = s.until('.(');
  if (op === 'in' && s.take('.')) {
    const values = listValue(s).map((v) => fromLiteral(column, v));
    return { kind: 'in', column, not, values };
  }
  if (op === 'is' && s.take('.')) {
    const v = s.until(',)').toLowerCase();
    if (v !== 'null' && v !== 'not_null') s.fail('is.null or is.not_null');
    return { kind: 'is', column, not, value: v };
  }
  if (!COMPARISONS.has(op) || !s.take('.'))
    s.fail(`a modelled operator, not ${JSON.stringify(op)}`);
  return {
    kind: 'compare',
    column,
    not,
    op: op as Comparison,
    value: fromLiteral(column, value(s)),
  };
}

/** pLogicTree: a filter, or `[not.]and(...)` / `[not.]or(...)` of trees. */
function logicTree(resolve: Resolve, s: Scanner): Condition {
  s.spaces();
  const start = s.pos;
  const not = s.take('not.');
  const op = s.take('and') ? 'and' : s.take('or') ? 'or' : undefined;
  s.spaces();
  if (op !== undefined && s.take('(')) {
    const children = [logicTree(resolve, s)];
    while (s.take(',')) children.push(logicTree(resolve, s));
    s.spaces();
    s.expect(')');
    s.spaces();
    return { kind: 'logic', op, not, children };
  }
  s.pos = start;
  const field = s.until('.').trim();
  s.expect('.');
  return operation(resolve, field, s, element);
}

function integer(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new MockMisunderstood(`${name}=${text}`);
  return Number(text);
}

function columnList(resolve: Resolve, text: string): string[] {
  const s = new Scanner(text);
  const names: string[] = [];
  do names.push(quoted(s) ?? s.until(','));
  while (s.take(','));
  if (!s.done) s.fail('the end');
  return names.map((name) => resolve(name).name);
}

function orderTerms(resolve: Resolve, text: string): OrderTerm[] {
  return text.split(',').map((term) => {
    const [name = '', ...modifiers] = term.split('.');
    const descending = modifiers[0] === 'desc';
    if (modifiers[0] === 'asc' || modifiers[0] === 'desc') modifiers.shift();
    const nulls = modifiers.shift();
    if (
      modifiers.length > 0 ||
      (nulls !== undefined && nulls !== 'nullsfirst' && nulls !== 'nullslast')
    ) {
      throw new MockMisunderstood(`order term ${term}`);
    }
    // Postgres' default: nulls sort as larger than any value.
    const nullsFirst = nulls === undefined ? descending : nulls === 'nullsfirst';
    return { column: resolve(name), descending, nullsFirst };
  });
}

function selectList(table: TableDef, resolve: Resolve, text: string): ColumnDef[] {
  if (text === '*') return table.columns;
  return text.split(',').map(resolve);
}

/** Parses a query string against `table`. */
export function parseQuery(table: TableDef, params: URLSearchParams): ParsedQuery {
  const unknown: string[] = [];
  const resolve = resolver(table, unknown);
  const query: ParsedQuery = {
    select: table.columns,
    where: [],
    order: [],
    limit: undefined,
    offset: undefined,
    onConflict: undefined,
    columns: undefined,
    unknown,
  };
  for (const [key, value] of params) {
    if (key === 'select') query.select = selectList(table, resolve, value);
    else if (key === 'order') query.order = orderTerms(resolve, value);
    else if (key === 'limit') query.limit = integer(key, value);
    else if (key === 'offset') query.offset = integer(key, value);
    else if (key === 'on_conflict') query.onConflict = columnList(resolve, value);
    else if (key === 'columns') query.columns = columnList(resolve, value);
    else if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
      const s = new Scanner(`${key}${value}`);
      query.where.push(logicTree(resolve, s));
      if (!s.done) s.fail('the end of the logic tree');
    } else {
      // pSingleVal: a top-level value is everything after the operator, verbatim.
      const s = new Scanner(value);
      query.where.push(operation(resolve, key, s, (rest) => rest.until('')));
      if (!s.done) s.fail('the end of the filter');
    }
  }
  return query;
}

/** SQL's three-valued truth of `condition` on `row` (null: unknown). */
export function evaluate(condition: Condition, row: Row): boolean | null {
  if (condition.kind === 'logic') {
    const results = condition.children.map((child) => evaluate(child, row));
    const decisive = condition.op === 'or';
    const result = results.includes(decisive)
      ? decisive
      : results.includes(null)
        ? null
        : !decisive;
    return result === null || !condition.not ? result : !result;
  }
  const value = row[condition.column.name] ?? null;
  let result: boolean | null;
  if (condition.kind === 'is') result = (value === null) === (condition.value === 'null');
  else if (value === null) result = null;
  else if (condition.kind === 'in') {
    result = condition.values.some((v) => v !== null && compareValues(value, v) === 0);
  } else {
    const c = compareValues(value, condition.value);
    const outcome = { eq: c === 0, neq: c !== 0, gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 };
    result = outcome[condition.op];
  }
  return result === null || !condition.not ? result : !result;
}

/** The rows every condition holds for (unknown counts as not). */
export function matching(rows: readonly Row[], where: readonly Condition[]): Row[] {
  return rows.filter((row) => where.every((condition) => evaluate(condition, row) === true));
}

/** Sorts rows by the order terms, as `order by` would; ties keep their order. */
export function sortRows(rows: Row[], order: readonly OrderTerm[]): Row[] {
  return rows.sort((a, b) => {
    for (const { column, descending, nullsFirst } of order) {
      const x = a[column.name] ?? null;
      const y = b[column.name] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}
