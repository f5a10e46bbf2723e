import { describe, expect, it } from 'vitest';
import { AuraAuthenticationError, AuraNetworkError } from '../../src/aura/errors/index.js';
import { CliUsageError, toFailure } from '../../src/cli/errors.js';
import {
  CredentialCipherError,
  CredentialStoreError,
  ProvisioningConfigurationError,
} from '../../src/records/errors.js';

const request = { method: 'POST', path: '/oauth/token' };

describe('toFailure', () => {
  it.each([
    [new CliUsageError('bad'), 2, 'usage'],
    [new CliUsageError('missing', 'configuration'), 2, 'configuration'],
    [
      Object.assign(new TypeError('Unknown option'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }),
      2,
      'usage',
    ],
    [new ProvisioningConfigurationError('bad spec'), 2, 'configuration'],
    [new CredentialStoreError('list', 'connect ECONNREFUSED'), 4, 'store_unavailable'],
    [new AuraNetworkError({ request }), 4, 'aura_unavailable'],
    [
      new AuraAuthenticationError({ status: 401, request, body: { message: 'no', errors: [] } }),
      4,
      'aura_credentials',
    ],
    [new CredentialCipherError('wrong key'), 1, 'cipher'],
    [new RangeError('oops'), 5, 'internal'],
    ['a string', 5, 'internal'],
  ])('%s: exit %i (%s)', (error, exitCode, code) => {
    expect(toFailure(error)).toMatchObject({ exitCode, code });
  });

  it('points wrong credentials at doctor', () => {
    const error = new AuraAuthenticationError({
      status: 401,
      request,
      body: { message: 'no', errors: [] },
    });
    expect(toFailure(error).message).toMatch(/AURA_CLIENT_SECRET \(`aura-provisioner doctor`\)/);
  });
});
