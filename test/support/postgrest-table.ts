/**
 * The table model of the PostgREST mock: column types, how Postgres reads a
 * JSON body value or a filter literal into them, how PostgREST renders them
 * back (`to_json`), and the constraints (not null, check, unique) with the
 * errors Postgres raises. What it does not model, it refuses loudly
 * ({@link MockMisunderstood}), so a test cannot pass on a guess.
 */
/** A request the mock does not model: answered 500 and recorded, so the test fails. */
export class MockMisunderstood extends Error {
  override readonly name = 'MockMisunderstood';
}

/** An error Postgres or PostgREST raises, with PostgREST's HTTP status and body. */
export class PgError extends Error {
  override readonly name = 'PgError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
  get body() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

export type PgType = 'text' | 'uuid' | 'integer' | 'bigint' | 'timestamptz';
/** A stored value: text and uuid as strings, numbers, timestamps as ms since the epoch. */
export type Value = string | number | null;
export type Row = Record<string, Value>;

export interface ColumnDef {
  name: string;
  type: PgType;
  notNull?: boolean;
  /** The column's default, evaluated per row. */
  default?: () => Value;
  check?: { name: string; holds: (value: Value) => boolean };
}

export interface TableDef {
  schema: string;
  name: string;
  columns: ColumnDef[];
  /** Unique constraints of one column each, the primary key first: constraint name by column. */
  unique: Record<string, string>;
  /** Unique indexes on several columns; a row with any of them null never clashes. */
  uniqueIndexes?: { name: string; columns: string[] }[];
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)$/;
const RANGE = { integer: 2 ** 31, bigint: 2 ** 53 } as const;
const TYPE_NAMES: Record<PgType, string> = {
  text: 'text',
  uuid: 'uuid',
  integer: 'integer',
  bigint: 'bigint',
  timestamptz: 'timestamp with time zone',
};

const invalid = (type: PgType, text: string) =>
  new PgError(400, '22P02', `invalid input syntax for type ${TYPE_NAMES[type]}: "${text}"`);

function parseTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (!m) {
    throw new MockMisunderstood(`timestamp ${JSON.stringify(text)} (only ISO 8601 with a zone)`);
  }
  const frac = m[7] ?? '';
  const zone = m[8] ?? 'Z';
  if (/[1-9]/.test(frac.slice(3))) throw new MockMisunderstood(`sub-millisecond time ${text}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, Number(frac.padEnd(3, '0').slice(0, 3)));
  const date = new Date(ms);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new PgError(400, '22008', `date/time field value out of range: "${text}"`);
  }
  if (zone === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
}

function parseInteger(type: 'integer' | 'bigint', n: number, text: string): number {
  if (!Number.isSafeInteger(n)) throw new MockMisunderstood(`${type} value ${text} beyond 2^53`);
  if (n >= RANGE[type] || n < -RANGE[type]) {
    throw new PgError(400, '22003', `value "${text}" is out of range for type ${type}`);
  }
  return n;
}

/** A filter literal (`eq.<text>`) read as Postgres reads an unknown literal compared to the column. */
export function fromLiteral(column: ColumnDef, text: string): Value {
  switch (column.type) {
    case 'text':
      return text;
    case 'uuid':
      if (!UUID.test(text)) throw invalid('uuid', text);
      return text
        .replaceAll('-', '')
        .toLowerCase()
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    case 'integer':
    case 'bigint':
      if (!/^[+-]?\d+$/.test(text.trim())) throw invalid(column.type, text);
      return parseInteger(column.type, Number(text), text);
    case 'timestamptz':
      return parseTimestamp(text);
  }
}

/** A JSON body value, as PostgREST's `json_populate_recordset` puts it into the column. */
export function fromJson(column: ColumnDef, json: unknown): Value {
  if (json === null) return null;
  if (column.type === 'integer' || column.type === 'bigint') {
    if (typeof json !== 'number' || !Number.isInteger(json)) {
      throw new MockMisunderstood(
        `${JSON.stringify(json)} for ${column.type} column ${column.name}`,
      );
    }
    return parseInteger(column.type, json, String(json));
  }
  if (typeof json !== 'string') {
    throw new MockMisunderstood(`${JSON.stringify(json)} for ${column.type} column ${column.name}`);
  }
  return fromLiteral(column, json);
}

/** A timestamptz as `to_json` renders it in a UTC session: `2026-01-01T00:00:00.5+00:00`. */
export function renderTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}${iso.slice(19, 23).replace(/\.?0+$/, '')}+00:00`;
}

/** A stored value as PostgREST puts it in a JSON response. */
export function toJson(column: ColumnDef, value: Value): unknown {
  return column.type === 'timestamptz' && typeof value === 'number'
    ? renderTimestamp(value)
    : value;
}

/** Orders two non-null values of one column: bytes for text (collation "C"), numbers for the rest. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return (a as number) - (b as number);
}

/** Postgres' `Failing row contains (...)` detail: the whole row, secrets included. */
function failingRow(table: TableDef, row: Row): string {
  const text = (column: ColumnDef) => {
    const value = row[column.name] ?? null;
    if (value === null) return 'null';
    if (column.type !== 'timestamptz') return String(value);
    return renderTimestamp(value as number)
      .replace('T', ' ')
      .replace('+00:00', '+00');
  };
  return `Failing row contains (${table.columns.map(text).join(', ')}).`;
}

/** Checks `row` as Postgres would on insert or update: not null, checks, then unique keys. */
export function checkRow(table: TableDef, row: Row, others: readonly Row[]): void {
  for (const column of table.columns) {
    if (column.notNull && (row[column.name] ?? null) === null) {
      throw new PgError(
        400,
        '23502',
        `null value in column "${column.name}" of relation "${table.name}" violates not-null constraint`,
        failingRow(table, row),
      );
    }
  }
  for (const column of table.columns) {
    const value = row[column.name] ?? null;
    if (column.check && value !== null && !column.check.holds(value)) {
      const message = `new row for relation "${table.name}" violates check constraint "${column.check.name}"`;
      throw new PgError(400, '23514', message, failingRow(table, row));
    }
  }
  for (const [name, constraint] of Object.entries(table.unique)) {
    const value = row[name] ?? null;
    if (value !== null && others.some((other) => other[name] === value)) {
      const message = `duplicate key value violates unique constraint "${constraint}"`;
      throw new PgError(409, '23505', message, `Key (${name})=(${value}) already exists.`);
    }
  }
  for (const { name, columns } of table.uniqueIndexes ?? []) {
    const values = columns.map((column) => row[column] ?? null);
    if (values.includes(null)) continue;
    if (others.some((other) => columns.every((column, i) => other[column] === values[i]))) {
      const message = `duplicate key value violates unique constraint "${name}"`;
      const key = `Key (${columns.join(', ')})=(${values.join(', ')}) already exists.`;
      throw new PgError(409, '23505', message, key);
    }
  }
}
