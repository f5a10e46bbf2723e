import { describe, expect, it } from 'vitest';
import { AuraConfigurationError } from '../../../src/aura/errors/index.js';
import {
  checkInput,
  createInstanceInput,
  snapshotDate,
  updateInstanceInput,
} from '../../../src/aura/requests.js';

const valid = {
  name: 'user-42',
  tenantId: 'tenant-1',
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

/** The AuraConfigurationError `checkInput` throws for `input`. */
function rejectionOf(schema: Parameters<typeof checkInput>[0], input: unknown) {
  try {
    checkInput(schema, input, 'instance');
  } catch (error) {
    expect(error).toBeInstanceOf(AuraConfigurationError);
    return error as AuraConfigurationError;
  }
  throw new Error('expected checkInput to throw');
}

describe('checkInput(createInstanceInput)', () => {
  it('accepts a valid create and defaults the version to "5"', () => {
    expect(checkInput(createInstanceInput, valid, 'instance')).toEqual({ ...valid, version: '5' });
  });

  it('keeps a version given', () => {
    expect(checkInput(createInstanceInput, { ...valid, version: '4' }, 'instance').version).toBe(
      '4',
    );
  });

  it.each([
    ['one character', 'a'],
    ['30 characters', 'x'.repeat(30)],
    ['30 emoji (60 UTF-16 units, 30 code points)', '😀'.repeat(30)],
    ['inner spaces', 'my instance'],
  ])('accepts a name of %s', (_, name) => {
    expect(checkInput(createInstanceInput, { ...valid, name }, 'instance').name).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['31 characters', 'x'.repeat(31)],
    ['31 emoji', '😀'.repeat(31)],
    ['leading white space', ' lead'],
    ['trailing white space', 'trail '],
    ['a trailing newline', 'name\n'],
  ])('rejects a name that is %s, naming the field', (_, name) => {
    const error = rejectionOf(createInstanceInput, { ...valid, name });
    expect(error.issues.map((issue) => issue.path)).toEqual(['name']);
    expect(error.message).toMatch(/^Invalid instance: name: /);
  });

  it.each(['1gb', '1 GB', 'GB', '1.5GB', ''])('rejects memory %j', (memory) => {
    const error = rejectionOf(createInstanceInput, { ...valid, memory });
    expect(error.issues.map((issue) => issue.path)).toEqual(['memory']);
  });

  it('rejects an unknown instance type', () => {
    const error = rejectionOf(createInstanceInput, { ...valid, type: 'huge-db' });
    expect(error.issues.map((issue) => issue.path)).toEqual(['type']);
  });

  it('rejects an unknown cloud provider', () => {
    const error = rejectionOf(createInstanceInput, { ...valid, cloudProvider: 'oracle' });
    expect(error.issues.map((issue) => issue.path)).toEqual(['cloudProvider']);
  });

  it('rejects an unknown key, naming it', () => {
    const error = rejectionOf(createInstanceInput, { ...valid, cloud_provider: 'gcp' });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.message).toContain('cloud_provider');
    expect(error.message).toContain('cloud_provider');
  });

  it('rejects a blank tenant id', () => {
    const error = rejectionOf(createInstanceInput, { ...valid, tenantId: '  ' });
    expect(error.issues.map((issue) => issue.path)).toEqual(['tenantId']);
  });

  it('reports every wrong field at once', () => {
    const error = rejectionOf(createInstanceInput, { ...valid, name: '', memory: '1gb' });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['memory', 'name']);
  });

  it('names the argument when the input is not an object', () => {
    const error = rejectionOf(createInstanceInput, 'user-42');
    expect(error.issues.map((issue) => issue.path)).toEqual(['instance']);
  });
});

describe('checkInput(updateInstanceInput)', () => {
  it('accepts one field to change', () => {
    expect(checkInput(updateInstanceInput, { memory: '2GB' }, 'update')).toEqual({ memory: '2GB' });
  });

  it('rejects an update that changes nothing', () => {
    expect(() => checkInput(updateInstanceInput, {}, 'update')).toThrow(AuraConfigurationError);
  });
});

describe('snapshotDate', () => {
  it('accepts YYYY-MM-DD only', () => {
    expect(snapshotDate.safeParse('2026-01-31').success).toBe(true);
    expect(snapshotDate.safeParse('31/01/2026').success).toBe(false);
  });
});
