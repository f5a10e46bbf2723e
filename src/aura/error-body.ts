/** One entry of Aura's `{ errors: [...] }` error body. */
export interface ErrorEntry {
  message: string;
  reason?: string | undefined;
  field?: string | undefined;
}

/** An error body, whatever shape it came in, made readable. */
export interface ErrorBody {
  /** One line for humans. */
  message: string;
  errors: ErrorEntry[];
}

const MAX_TEXT = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

function entriesOf(value: unknown): ErrorEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((entry) => ({
    message: optionalString(entry.message) ?? 'no message',
    reason: optionalString(entry.reason),
    field: optionalString(entry.field),
  }));
}

function describeEntry(entry: ErrorEntry): string {
  const details = [entry.reason, entry.field && `field ${entry.field}`].filter(Boolean);
  return details.length > 0 ? `${entry.message} (${details.join(', ')})` : entry.message;
}

/**
 * Reads an error body in any of the shapes Aura sends: `{ errors: [...] }`,
 * the middleware's and OAuth's `{ error, error_description }`, or neither
 * (HTML from a proxy, plain text, nothing). Never throws.
 */
export function parseErrorBody(text: string): ErrorBody {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (isRecord(json)) {
    const errors = entriesOf(json.errors);
    if (errors.length > 0) return { message: errors.map(describeEntry).join('; '), errors };
    const error = optionalString(json.error);
    if (error) {
      const description = optionalString(json.error_description);
      const message = description ? `${description} (${error})` : error;
      return { message, errors: [{ message, reason: error }] };
    }
  }
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (!trimmed) return { message: 'no error details in the body', errors: [] };
  const snippet = trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed;
  return { message: `unrecognised error body: ${snippet}`, errors: [] };
}
