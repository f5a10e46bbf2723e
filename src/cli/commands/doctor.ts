import type { Tenant } from '../../aura/schemas.js';
import type { CredentialStore } from '../../records/store.js';
import type { Command, CommandContext } from '../command.js';
import {
  buildConfig,
  type CliConfig,
  type LoadedConfig,
  missingSettings,
  settingLabel,
  settingsUsable,
} from '../config.js';
import {
  type CheckResult,
  checkAuraCredentials,
  checkCipher,
  checkInstanceSpec,
  checkStore,
  checkTenant,
} from '../doctor-checks.js';
import { checkRateLimit, observingLimiter } from '../doctor-rate-limit.js';
import { EXIT_CODES } from '../exit-codes.js';
import { CLI_DEFAULTS, openAura, openCipher, openStore } from '../services.js';
import { SETTINGS, type SettingName } from '../settings.js';

const ALL_GROUPS = ['aura', 'store', 'cipher', 'instance', 'placement'] as const;
const AURA_SETTINGS: SettingName[] = ['clientId', 'clientSecret', 'baseUrl'];
const INSTANCE_SETTINGS: SettingName[] = [
  'instanceType',
  'instanceMemory',
  'instanceRegion',
  'instanceCloudProvider',
];
const KEYS_FIX =
  'Give each key as id=<base64 of 32 random bytes> (`openssl rand -base64 32`), and name the encrypting one in AURA_PROVISIONER_CURRENT_KEY.';

const skip = (id: CheckResult['id'], title: string, detail: string): CheckResult => ({
  id,
  title,
  status: 'skip',
  detail,
});

/** Missing settings, and invalid ones outside the keys (the cipher check reports those). */
function checkConfiguration(loaded: LoadedConfig): CheckResult {
  const problems = [
    ...missingSettings(loaded, ALL_GROUPS).map((def) => `${settingLabel(def)} is not set`),
    ...loaded.issues.filter((i) => i.group !== 'cipher').map((i) => i.message),
  ];
  if (problems.length === 0) {
    const sources = [...new Set(Object.values(loaded.sources))].join(', ');
    const detail = `every setting is set (from ${sources})`;
    return { id: 'config', title: 'configuration', status: 'pass', detail };
  }
  return {
    id: 'config',
    title: 'configuration',
    status: 'fail',
    detail: problems.join('; '),
    fix: 'Set the missing settings in the environment or a --config file, and correct the invalid ones.',
  };
}

/** Credentials, then the tenant, then the spec: each needs the one before. */
async function auraChecks(loaded: LoadedConfig, config: CliConfig): Promise<CheckResult[]> {
  if (!settingsUsable(loaded, AURA_SETTINGS)) {
    return [
      skip(
        'aura-credentials',
        'Aura credentials',
        'needs AURA_CLIENT_ID, AURA_CLIENT_SECRET and a valid AURA_BASE_URL',
      ),
      skip('tenant', 'tenant', 'needs working Aura credentials'),
      skip('instance-spec', 'instance spec', 'needs the tenant'),
      skip(
        'rate-limit',
        'Aura rate limit',
        'needs AURA_CLIENT_ID, AURA_CLIENT_SECRET and AURA_BASE_URL',
      ),
    ];
  }
  const { limiter, seen } = observingLimiter();
  const aura = openAura(config.aura, CLI_DEFAULTS.doctorAura, limiter);
  const credentials = await checkAuraCredentials(aura, config.aura);
  const results = [credentials.result];
  let tenant: Tenant | undefined;
  if (!credentials.value) {
    results.push(skip('tenant', 'tenant', 'needs working Aura credentials'));
  } else if (!settingsUsable(loaded, ['tenantId'])) {
    results.push(skip('tenant', 'tenant', 'needs AURA_TENANT_ID'));
  } else {
    const checked = await checkTenant(aura, config.aura.tenantId, credentials.value);
    results.push(checked.result);
    tenant = checked.value;
  }
  if (!tenant) results.push(skip('instance-spec', 'instance spec', 'needs the tenant'));
  else if (!settingsUsable(loaded, INSTANCE_SETTINGS)) {
    results.push(skip('instance-spec', 'instance spec', 'needs a valid AURA_INSTANCE_* spec'));
  } else results.push(checkInstanceSpec(config.instance, tenant));
  results.push(checkRateLimit(seen, config.aura.tokenCacheDir));
  return results;
}

/** The store, then the keys (which decrypt a sample of the store when it is readable). */
async function storeAndCipherChecks(
  loaded: LoadedConfig,
  config: CliConfig,
  context: Pick<CommandContext, 'onClose' | 'out'>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let store: CredentialStore | undefined;
  if (settingsUsable(loaded, ['databaseUrl', 'table'])) {
    const opened = await openStore(config.store, context.out);
    context.onClose(opened.close);
    const result = await checkStore(opened.store, config.store);
    results.push(result);
    if (result.status === 'pass') store = opened.store;
  } else {
    results.push(skip('store', 'store', 'needs a valid DATABASE_URL and AURA_PROVISIONER_TABLE'));
  }
  const keyIssues = loaded.issues.filter((i) => i.group === 'cipher');
  if (keyIssues.length > 0) {
    const detail = keyIssues.map((i) => i.message).join('; ');
    results.push({ id: 'cipher', title: 'cipher keys', status: 'fail', detail, fix: KEYS_FIX });
  } else if (loaded.values.keys === undefined) {
    results.push(skip('cipher', 'cipher keys', 'needs AURA_PROVISIONER_KEYS'));
  } else {
    results.push(await checkCipher(openCipher(config.cipher), config.cipher, store));
  }
  return results;
}

function doctorLines(checks: readonly CheckResult[]): string[] {
  const width = Math.max(...checks.map((c) => c.title.length));
  const lines = checks.flatMap((c) => [
    `${c.status.toUpperCase().padEnd(4)}  ${c.title.padEnd(width)}  ${c.detail}`,
    ...(c.fix ? [`${' '.repeat(width + 8)}fix: ${c.fix}`] : []),
  ]);
  const failed = checks.filter((c) => c.status === 'fail').length;
  lines.push(
    '',
    failed === 0 ? 'Every check passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`,
  );
  return lines;
}

/** `doctor`: checks the configuration, Aura, the tenant, the spec, the store and the keys. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the settings, Aura, the tenant, the spec, the store and the keys',
  usage: 'doctor',
  description: [
    'Checks, in order: that every setting is set and valid; that Aura issues a token',
    'for the client id and secret; that the tenant exists for them; that the tenant',
    'offers the instance spec; that the store table is readable; that the keys are',
    'valid and decrypt a sample of the stored credentials. Changes nothing. A failed',
    'check says what to fix; the checks that need it are skipped. It also reports the',
    'rate limit its calls met: a 429 means the account allows fewer calls than the',
    "client's 125 a minute (Free and trial accounts: 25), and says how to set rateLimit.",
    '',
    'With AURA_PLACEMENT=database-per-user the configuration check also needs',
    'AURA_ORGANIZATION_ID, a host type (business-critical or enterprise-db) in',
    'AURA_INSTANCE_TYPE if it is set, and AURA_MAX_DATABASES_PER_HOST, AURA_WARM_SLOTS and',
    'AURA_MAX_HOSTS, if set, to be whole numbers the host memory allows; the spec check is',
    "then the hosts'.",
    '',
    'Exit code 0: every check passed; 1: a check failed.',
  ].join('\n'),
  flags: {},
  needs: ALL_GROUPS,
  async run(context) {
    const loaded = context.config;
    const config = buildConfig(loaded);
    const checks = [
      checkConfiguration(loaded),
      ...(await auraChecks(loaded, config)),
      ...(await storeAndCipherChecks(loaded, config, context)),
    ];
    const ok = checks.every((c) => c.status !== 'fail');
    const settings = SETTINGS.map((def) => ({
      name: def.name,
      env: def.env,
      source: loaded.sources[def.name] ?? null,
      ...(def.secret ? {} : { value: loaded.values[def.name] ?? null }),
    }));
    context.out.result({ ok, checks, settings }, () => doctorLines(checks));
    return ok ? EXIT_CODES.ok : EXIT_CODES.problems;
  },
};
