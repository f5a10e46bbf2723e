import { describe, expect, it } from 'vitest';
import { parseErrorBody } from '../../../src/aura/error-body.js';

describe('parseErrorBody', () => {
  it("reads Aura's { errors: [...] } with reason and field", () => {
    const body = parseErrorBody(
      JSON.stringify({
        errors: [
          { message: 'Invalid memory', reason: 'invalid-memory', field: 'memory' },
          { message: 'Name too long', field: 'name' },
        ],
      }),
    );
    expect(body).toEqual({
      message: 'Invalid memory (invalid-memory, field memory); Name too long (field name)',
      errors: [
        { message: 'Invalid memory', reason: 'invalid-memory', field: 'memory' },
        { message: 'Name too long', reason: undefined, field: 'name' },
      ],
    });
  });

  it('reads an entry with a message only', () => {
    expect(parseErrorBody('{"errors":[{"message":"Internal error"}]}')).toEqual({
      message: 'Internal error',
      errors: [{ message: 'Internal error', reason: undefined, field: undefined }],
    });
  });

  it('keeps well-formed entries and fills in a missing message', () => {
    const body = parseErrorBody('{"errors":[null,1,"x",{"reason":"db-not-found","message":5}]}');
    expect(body.errors).toEqual([
      { message: 'no message', reason: 'db-not-found', field: undefined },
    ]);
  });

  it('reads the OAuth and middleware shape { error, error_description }', () => {
    const body = parseErrorBody(
      '{"error":"invalid_client","error_description":"Client authentication failed"}',
    );
    expect(body).toEqual({
      message: 'Client authentication failed (invalid_client)',
      errors: [
        { message: 'Client authentication failed (invalid_client)', reason: 'invalid_client' },
      ],
    });
  });

  it('reads { error } without a description', () => {
    expect(parseErrorBody('{"error":"Forbidden"}')).toEqual({
      message: 'Forbidden',
      errors: [{ message: 'Forbidden', reason: 'Forbidden' }],
    });
  });

  it('falls back to { error } when errors is empty', () => {
    expect(parseErrorBody('{"errors":[],"error":"Unauthorized"}').message).toBe('Unauthorized');
  });

  it('quotes an HTML page from a proxy, with white space collapsed', () => {
    const body = parseErrorBody('<html>\n  <body>502 Bad Gateway</body>\n</html>\n');
    expect(body).toEqual({
      message: 'unrecognised error body: <html> <body>502 Bad Gateway</body> </html>',
      errors: [],
    });
  });

  it('quotes plain text', () => {
    expect(parseErrorBody('upstream connect error')).toEqual({
      message: 'unrecognised error body: upstream connect error',
      errors: [],
    });
  });

  it.each(['', '   \n'])('says there were no details for an empty body %j', (text) => {
    expect(parseErrorBody(text)).toEqual({ message: 'no error details in the body', errors: [] });
  });

  it.each([
    ['[1]', 'unrecognised error body: [1]'],
    ['"x"', 'unrecognised error body: "x"'],
    ['42', 'unrecognised error body: 42'],
    ['null', 'unrecognised error body: null'],
    ['{}', 'unrecognised error body: {}'],
    ['{"errors":"oops"}', 'unrecognised error body: {"errors":"oops"}'],
    ['{"error":42}', 'unrecognised error body: {"error":42}'],
  ])('quotes JSON of no known shape: %s', (text, message) => {
    expect(parseErrorBody(text)).toEqual({ message, errors: [] });
  });

  it('truncates long text to 200 characters', () => {
    const body = parseErrorBody(`${'a'.repeat(150)}${'b'.repeat(150)}`);
    expect(body.message).toBe(`unrecognised error body: ${'a'.repeat(150)}${'b'.repeat(50)}…`);
  });

  it('keeps text of exactly 200 characters whole', () => {
    expect(parseErrorBody('c'.repeat(200)).message).toBe(
      `unrecognised error body: ${'c'.repeat(200)}`,
    );
  });

  it.each([
    '{',
    '{"errors":[',
    '\u0000\uffff',
    '{"__proto__":{"errors":[1]}}',
    '{"errors":[{"message":{"nested":true}}]}',
    'x'.repeat(1_000_000),
  ])('never throws (%#)', (text) => {
    expect(() => parseErrorBody(text)).not.toThrow();
    expect(typeof parseErrorBody(text).message).toBe('string');
  });
});
