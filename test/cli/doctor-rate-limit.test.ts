import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/cli/doctor-checks.js';
import { checkRateLimit } from '../../src/cli/doctor-rate-limit.js';
import { DEFAULT_INSTANCE_CONFIGURATIONS } from '../../src/testing/index.js';
import { expectNoSecrets, runCli, useCliWorld } from './harness.js';

// An account that allows 1 call a minute and answers 429 without Retry-After past them.
const world = useCliWorld({
  tenants: [
    { id: 'tenant-1', name: 'Main', instanceConfigurations: [...DEFAULT_INSTANCE_CONFIGURATIONS] },
  ],
  rateLimit: { limit: 1, windowMs: 60_000, retryAfter: false },
});

describe('aura-provisioner doctor on an account with a smaller budget', () => {
  it('reports the 429s it met and how to set rateLimit', async () => {
    const run = await runCli(['doctor', '--json'], world.env);
    expectNoSecrets(run, world.secrets);
    const report = run.json<{ checks: CheckResult[] }>();
    const check = report.checks.find((c) => c.id === 'rate-limit') as CheckResult;
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/429 without Retry-After to \d+ of \d+ requests/);
    expect(check.fix).toContain('rateLimit: { limit: 25, windowMs: 60_000 }');
    expect(run.code).toBe(1);
  });
});

describe('checkRateLimit', () => {
  it('says where the token is cached, or that it is not', () => {
    const seen = { requests: 3, refused: 0, withoutRetryAfter: 0 };
    expect(checkRateLimit(seen, '/c/aura-provisioner').detail).toContain(
      'the token cached in /c/aura-provisioner',
    );
    expect(checkRateLimit(seen, undefined).detail).toContain('the token not cached');
  });

  it('names a 429 with Retry-After without calling it one without', () => {
    const check = checkRateLimit({ requests: 5, refused: 1, withoutRetryAfter: 0 }, undefined);
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/^Aura answered 429 to 1 of 5 requests/);
  });
});
