import { describe, expect, it } from 'vitest';
import { isWebhookError, WebhookConfigurationError, WebhookError } from '../src/adapters/errors.js';
import {
  isUserClientError,
  UserClientConfigurationError,
  UserClientError,
} from '../src/client-factory/errors.js';
import { queryApiOrigin } from '../src/client-factory/query-url.js';
import { createUserClients } from '../src/neo4j.js';
import { createPostgresRateLimiter, PgBossScheduler } from '../src/pg-boss.js';
import { isProvisioningError } from '../src/records/errors.js';
import {
  isScaleError,
  ScaleConfigurationError,
  ScaleError,
  ScaleJobError,
  ScaleStateError,
} from '../src/scale/errors.js';
import {
  AuraMockConfigurationError,
  AuraMockRequestEndedError,
  createAuraMock,
  createTestClock,
  isTestingError,
  TestClockStalledError,
  TestingError,
} from '../src/testing/index.js';

/** What `run` throws (synchronously or as a rejection). */
async function thrownBy(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('each layer has its own configuration error', () => {
  it.each([
    [
      'webhooks',
      () =>
        import('../src/adapters/jwt-authorizer.js').then((m) =>
          m.supabaseJwtAuthorizer({ jwtSecret: 'short' }),
        ),
      WebhookConfigurationError,
      isWebhookError,
    ],
    [
      'client-factory',
      () => createUserClients({ store: {} as never, cipher: {} as never, maxSize: 0 }),
      UserClientConfigurationError,
      isUserClientError,
    ],
    [
      'query url',
      () => queryApiOrigin('ftp://example.com'),
      UserClientConfigurationError,
      isUserClientError,
    ],
    [
      'pg-boss scheduler',
      () => new PgBossScheduler({ boss: 'postgres://x', concurrency: 0 }),
      ScaleConfigurationError,
      isScaleError,
    ],
    [
      'postgres rate limiter',
      () => createPostgresRateLimiter({ client: {} as never }),
      ScaleConfigurationError,
      isScaleError,
    ],
    [
      'aura mock',
      () => createAuraMock({ tenants: [] }),
      AuraMockConfigurationError,
      isTestingError,
    ],
  ] as const)('%s', async (_, run, type, guard) => {
    const error = await thrownBy(run);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ name: type.name, code: 'invalid_configuration' });
    expect((guard as (e: unknown, code?: string) => boolean)(error, 'invalid_configuration')).toBe(
      true,
    );
    expect(isProvisioningError(error)).toBe(false);
  });
});

describe('the new error classes', () => {
  it('have literal names, a code, a layer base and a toJSON without a stack', () => {
    const cases: [
      Error & { code: string; toJSON(): unknown },
      abstract new (...args: never[]) => Error,
      string,
      string,
    ][] = [
      [
        new WebhookConfigurationError('m'),
        WebhookError,
        'WebhookConfigurationError',
        'invalid_configuration',
      ],
      [
        new UserClientConfigurationError('m'),
        UserClientError,
        'UserClientConfigurationError',
        'invalid_configuration',
      ],
      [
        new ScaleConfigurationError('m'),
        ScaleError,
        'ScaleConfigurationError',
        'invalid_configuration',
      ],
      [new ScaleStateError('m'), ScaleError, 'ScaleStateError', 'invalid_state'],
      [new ScaleJobError('m'), ScaleError, 'ScaleJobError', 'invalid_job'],
      [
        new AuraMockConfigurationError('m'),
        TestingError,
        'AuraMockConfigurationError',
        'invalid_configuration',
      ],
      [
        new AuraMockRequestEndedError('m'),
        TestingError,
        'AuraMockRequestEndedError',
        'request_ended',
      ],
      [new TestClockStalledError('m'), TestingError, 'TestClockStalledError', 'clock_stalled'],
    ];
    for (const [error, base, name, code] of cases) {
      expect(error).toBeInstanceOf(base);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.toJSON()).toMatchObject({ name, code, message: 'm' });
      expect(JSON.stringify(error)).not.toContain('stack');
    }
  });

  it('chain the cause', () => {
    const cause = new Error('root');
    expect(new ScaleConfigurationError('m', { cause }).cause).toBe(cause);
    expect(new WebhookConfigurationError('m', { cause }).cause).toBe(cause);
    expect(new AuraMockConfigurationError('m', { cause }).cause).toBe(cause);
  });

  it('the test clock says when a promise can never settle on simulated time', async () => {
    const clock = createTestClock();
    const error = await thrownBy(() => clock.runUntil(new Promise(() => {})));
    expect(isTestingError(error, 'clock_stalled')).toBe(true);
  });
});
