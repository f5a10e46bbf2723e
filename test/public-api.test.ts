import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The runtime names each package entry exports, pinned: an export added by accident (a
// re-exported internal helper) or removed by accident fails here. Changing a list is a change
// of the public API: document it in the guides (docs/guides/) and CHANGELOG.md in the same commit.
const ENTRIES: Record<string, { load: () => Promise<Record<string, unknown>>; names: string[] }> = {
  '.': {
    load: () => import('../src/index.js'),
    names: [
      'AURA_DEFAULTS',
      'AuraAbortError',
      'AuraApiError',
      'AuraAuthenticationError',
      'AuraBadRequestError',
      'AuraClient',
      'AuraConfigurationError',
      'AuraConflictError',
      'AuraCreateOutcomeUnknownError',
      'AuraDatabaseCreateOutcomeUnknownError',
      'AuraError',
      'AuraHttpError',
      'AuraInstanceFailedError',
      'AuraInstanceLimitError',
      'AuraInvalidResponseError',
      'AuraNetworkError',
      'AuraNotFoundError',
      'AuraPermissionError',
      'AuraRateLimitError',
      'AuraServerError',
      'AuraTenantRequiredError',
      'AuraTimeoutError',
      'AuraV2',
      'CLIENT_FACTORY_DEFAULTS',
      'CLOUD_PROVIDERS',
      'CredentialCipherError',
      'CredentialStoreError',
      'INSTANCE_STATUSES',
      'INSTANCE_TYPES',
      'InProcessScheduler',
      'MemoryCredentialStore',
      'Neo4jAuthenticationError',
      'Neo4jConnectionError',
      'Neo4jQueryAbortError',
      'Neo4jQueryError',
      'Neo4jQueryTimeoutError',
      'Neo4jTransientError',
      'NoUserDatabaseError',
      'PLACEMENT_DEFAULTS',
      'PROVISIONING_DEFAULTS',
      'PROVISIONING_STATUSES',
      'ProvisioningAbortError',
      'ProvisioningConfigurationError',
      'ProvisioningError',
      'ProvisioningFailedError',
      'ProvisioningTimeoutError',
      'QueryApiError',
      'RECORD_PLACEMENTS',
      'Secret',
      'UserClientConfigurationError',
      'UserClientError',
      'UserClientsClosedError',
      'UserCredentialsUnreadableError',
      'UserDatabaseFailedError',
      'UserDatabaseNotFoundError',
      'UserDatabaseNotReadyError',
      'UserDatabaseScopeError',
      'UserScopedError',
      'createAesGcmCipher',
      'createDnsReadinessProbe',
      'createHttpReadinessProbe',
      'createInsecurePlaintextCipher',
      'createProvisioner',
      'createQueryClient',
      'createQueryClientForUser',
      'createRateLimiter',
      'createUserQueryClients',
      'generateAesGcmKey',
      'databaseNameForUser',
      'deploymentTag',
      'instanceNameForUser',
      'isAuraError',
      'isHostStore',
      'isProvisioningError',
      'isUserClientError',
      'newHostRecord',
      'newRecord',
      'parseAesGcmKeys',
      'provisionUserDatabase',
      'queryApiOrigin',
    ],
  },
  testing: {
    load: () => import('../src/testing/index.js'),
    names: [
      'AURA_MOCK_DEFAULTS',
      'AuraMockConfigurationError',
      'AuraMockRequestEndedError',
      'DEFAULT_INSTANCE_CONFIGURATIONS',
      'TestClockStalledError',
      'TestingError',
      'createAuraMock',
      'createTestClock',
      'isTestingError',
    ],
  },
  postgres: {
    load: () => import('../src/postgres.js'),
    names: ['PostgresCredentialStore', 'createAuraHostsTableSql', 'createUserDatabasesTableSql'],
  },
  supabase: {
    load: () => import('../src/supabase.js'),
    names: ['SupabaseCredentialStore'],
  },
  webhooks: {
    load: () => import('../src/adapters/index.js'),
    names: [
      'WEBHOOK_DEFAULTS',
      'WebhookConfigurationError',
      'WebhookError',
      'classifyWebhook',
      'createWebhookHandler',
      'isWebhookError',
      'reconcileSignups',
      'signStandardWebhook',
      'supabaseAuthUsers',
      'supabaseJwtAuthorizer',
      'webhookRoutes',
    ],
  },
  elysia: {
    load: () => import('../src/elysia.js'),
    names: ['auraWebhooks', 'supabaseJwtAuthorizer'],
  },
  express: {
    load: () => import('../src/express.js'),
    names: ['createAuraWebhookRouter', 'supabaseJwtAuthorizer'],
  },
  next: {
    load: () => import('../src/next.js'),
    names: ['createAuraRouteHandlers', 'supabaseJwtAuthorizer'],
  },
  neo4j: {
    load: () => import('../src/neo4j.js'),
    names: ['createClientForUser', 'createUserClients', 'sharedUserClients'],
  },
  'pg-boss': {
    load: () => import('../src/pg-boss.js'),
    names: [
      'PgBossScheduler',
      'SCALE_DEFAULTS',
      'ScaleConfigurationError',
      'ScaleError',
      'ScaleJobError',
      'ScaleStateError',
      'createPostgresRateLimiter',
      'createPostgresTokenCache',
      'createRateLimitTableSql',
      'createTokenCacheTableSql',
      'isScaleError',
    ],
  },
};

describe('public API', () => {
  it('pins an export list for every entry in package.json "exports"', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const entries = Object.keys(pkg.exports)
      .filter((path) => path !== './package.json')
      .map((path) => (path === '.' ? '.' : path.slice(2)));
    expect(entries.sort()).toEqual(Object.keys(ENTRIES).sort());
  });

  it.each(Object.entries(ENTRIES))('%s exports exactly its public names', async (_, entry) => {
    const module = await entry.load();
    expect(Object.keys(module).sort()).toEqual([...entry.names].sort());
  });

  it('the root entry exports no engine internals', async () => {
    const root = await ENTRIES['.']?.load();
    for (const internal of [
      'transition',
      'nextStatusCheckAt',
      'decideRetry',
      'retryDelay',
      'parseRetryAfter',
      'nextWaitDelay',
      'checkUserId',
      'userIdFromInstanceName',
      'DEFAULT_POLL_POLICY',
      'systemClock',
      'silentLogger',
    ]) {
      expect(root).not.toHaveProperty(internal);
    }
  });
});
