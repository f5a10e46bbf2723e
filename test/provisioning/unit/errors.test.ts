import { describe, expect, it } from 'vitest';
import {
  CredentialCipherError,
  CredentialStoreError,
  isProvisioningError,
  ProvisioningAbortError,
  ProvisioningConfigurationError,
  ProvisioningError,
  ProvisioningFailedError,
  ProvisioningTimeoutError,
  UserDatabaseNotFoundError,
} from '../../../src/records/errors.js';

const BRAND = Symbol.for('aura-provisioner.ProvisioningError');

describe('isProvisioningError', () => {
  it.each([
    [new UserDatabaseNotFoundError('u1'), 'not_found', 'UserDatabaseNotFoundError'],
    [
      new ProvisioningFailedError('u1', 'deadline-exceeded', true),
      'provisioning_failed',
      'ProvisioningFailedError',
    ],
    [
      new CredentialStoreError('claim', 'connection refused'),
      'store_failure',
      'CredentialStoreError',
    ],
    [new CredentialCipherError('unknown key id'), 'cipher_failure', 'CredentialCipherError'],
    [
      new ProvisioningConfigurationError('empty user id'),
      'invalid_configuration',
      'ProvisioningConfigurationError',
    ],
    [new ProvisioningTimeoutError('u1', 5_000, 'creating'), 'timeout', 'ProvisioningTimeoutError'],
    [new ProvisioningAbortError('u1', new Error('stop')), 'aborted', 'ProvisioningAbortError'],
  ] as const)('matches %s by its code %s and keeps the literal name', (error, code, name) => {
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(isProvisioningError(error)).toBe(true);
    expect(isProvisioningError(error, code)).toBe(true);
    expect(isProvisioningError(error, code === 'timeout' ? 'aborted' : 'timeout')).toBe(false);
  });

  it('matches an error of another bundle by its global brand', () => {
    class ForeignError extends Error {
      readonly [BRAND] = true;
      readonly code = 'not_found';
    }
    const foreign = new ForeignError('no database');
    expect(foreign).not.toBeInstanceOf(ProvisioningError);
    expect(isProvisioningError(foreign)).toBe(true);
    expect(isProvisioningError(foreign, 'not_found')).toBe(true);
    expect(isProvisioningError(foreign, 'store_failure')).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('not_found')],
    [
      'a look-alike without the brand',
      Object.assign(new Error('x'), { code: 'not_found', name: 'UserDatabaseNotFoundError' }),
    ],
    ['a truthy but not true brand', { [BRAND]: 'yes', code: 'not_found' }],
    ['a brand under a local symbol', { [Symbol('aura-provisioner.ProvisioningError')]: true }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'UserDatabaseNotFoundError'],
  ])('refuses %s', (_, value) => {
    expect(isProvisioningError(value)).toBe(false);
  });
});

describe('ProvisioningError messages and toJSON', () => {
  it('serialises the base fields, without stack or cause', () => {
    const cause = new Error('socket hang up: password=hunter2');
    const error = new CredentialStoreError('update', 'connection lost', { userId: 'u1', cause });
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      name: 'CredentialStoreError',
      code: 'store_failure',
      message: 'Credential store update failed: connection lost',
      userId: 'u1',
      operation: 'update',
    });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(JSON.stringify(error)).not.toContain('stack');
  });

  it('adds reason and retryable for a failed provisioning', () => {
    const error = new ProvisioningFailedError('u1', 'missing-billing-details', false);
    expect(error.message).toContain('missing-billing-details');
    expect(error.toJSON()).toEqual({
      name: 'ProvisioningFailedError',
      code: 'provisioning_failed',
      message: error.message,
      userId: 'u1',
      reason: 'missing-billing-details',
      retryable: false,
    });
  });

  it('names the user and the status in a timeout', () => {
    const error = new ProvisioningTimeoutError('u1', 5_000, 'creating');
    expect(error.message).toContain('u1');
    expect(error.message).toContain('5000');
    expect(error.status).toBe('creating');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'timeout', userId: 'u1' });
  });

  it('keeps the abort reason as the cause', () => {
    const reason = new Error('shutting down');
    const error = new ProvisioningAbortError('u1', reason);
    expect(error.cause).toBe(reason);
    expect(error.userId).toBe('u1');
  });

  it('leaves userId undefined and no cause when none is given', () => {
    const error = new ProvisioningConfigurationError('Invalid instance name prefix');
    expect(error.userId).toBe(undefined);
    expect('cause' in error).toBe(false);
    expect(error.toJSON()).toEqual({
      name: 'ProvisioningConfigurationError',
      code: 'invalid_configuration',
      message: 'Invalid instance name prefix',
      userId: undefined,
    });
  });
});
