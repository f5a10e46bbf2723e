import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/aura/secret.js';

const VALUE = 'p4ssw0rd-from-aura';

describe('Secret', () => {
  it('reveals its value on request', () => {
    expect(new Secret(VALUE).reveal()).toBe(VALUE);
  });

  it('hides its value from JSON.stringify, alone and nested', () => {
    const secret = new Secret(VALUE);
    expect(JSON.stringify(secret)).toBe('"[REDACTED]"');
    expect(JSON.stringify({ password: secret })).toBe('{"password":"[REDACTED]"}');
  });

  it('hides its value from String() and concatenation', () => {
    const secret = new Secret(VALUE);
    expect(String(secret)).toBe('[REDACTED]');
    expect(`${secret}`).toBe('[REDACTED]');
    expect(`password: ${secret}`).toBe('password: [REDACTED]');
    expect(`${'x'}${secret}`).not.toContain(VALUE);
  });

  it('hides its value from util.inspect and so from console.log', () => {
    const secret = new Secret(VALUE);
    expect(inspect(secret)).toBe('Secret([REDACTED])');
    expect(
      inspect({ created: { password: secret } }, { depth: 10, showHidden: true }),
    ).not.toContain(VALUE);
  });

  it('has no enumerable property that holds the value', () => {
    const secret = new Secret(VALUE);
    expect(Object.values(secret)).not.toContain(VALUE);
    expect({ ...secret }).toEqual({});
    expect(structuredClone(secret)).not.toHaveProperty('reveal');
  });
});
