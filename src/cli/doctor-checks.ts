import type { AuraClient } from '../aura/client.js';
import { isAuraError } from '../aura/errors/base.js';
import type { Tenant, TenantSummary } from '../aura/schemas.js';
import type { CredentialCipher } from '../records/cipher.js';
import { isHostStore } from '../records/host-record.js';
import type { CredentialStore } from '../records/store.js';
import { defaultHostsTable } from '../stores/postgres-host-schema.js';
import type { CliConfig } from './config.js';
import { readDatabaseUrl } from './database-url.js';
import { SUPABASE_MIGRATION } from './services.js';
import { checkSpecOffered, describeSpec } from './spec-offer.js';

/** The outcome of one doctor check. `fix` says what to do when it failed. */
export interface CheckResult {
  id:
    | 'config'
    | 'aura-credentials'
    | 'tenant'
    | 'instance-spec'
    | 'rate-limit'
    | 'store'
    | 'cipher';
  title: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string | undefined;
}

type Check<T> = { result: CheckResult; value?: T };

const fail = (id: CheckResult['id'], title: string, detail: string, fix: string): CheckResult => ({
  id,
  title,
  status: 'fail',
  detail,
  fix,
});

const CREDENTIALS_FIX =
  'Check AURA_CLIENT_ID and AURA_CLIENT_SECRET: the client id and secret of an Aura API key ' +
  '(console > Account > API keys). A lost secret is not shown again: create a new key.';

/** The credentials work when Aura issues a token and lists the tenants with it. */
export async function checkAuraCredentials(
  aura: AuraClient,
  settings: CliConfig['aura'],
): Promise<Check<TenantSummary[]>> {
  const title = 'Aura credentials';
  try {
    const tenants = await aura.tenants.list();
    const detail = `client id ${settings.clientId} can use ${tenants.length} tenant${tenants.length === 1 ? '' : 's'}`;
    return { result: { id: 'aura-credentials', title, status: 'pass', detail }, value: tenants };
  } catch (error) {
    if (isAuraError(error) && (error.code === 'authentication' || error.code === 'permission')) {
      return {
        result: fail(
          'aura-credentials',
          title,
          `Aura refused the credentials: ${error.message}`,
          CREDENTIALS_FIX,
        ),
      };
    }
    const unreachable = isAuraError(error) && ['network', 'timeout'].includes(error.code);
    return {
      result: fail(
        'aura-credentials',
        title,
        unreachable
          ? `cannot reach Aura at ${settings.baseUrl}: ${(error as Error).message}`
          : (error as Error).message,
        unreachable
          ? 'Check AURA_BASE_URL (default https://api.neo4j.io), the network and any proxy.'
          : 'Aura failed; try again later, and quote the request id to Neo4j support if it lasts.',
      ),
    };
  }
}

/** The tenant exists for these credentials; its instance configurations are kept for the spec check. */
export async function checkTenant(
  aura: AuraClient,
  tenantId: string,
  known: readonly TenantSummary[],
): Promise<Check<Tenant>> {
  const title = 'tenant';
  try {
    const tenant = await aura.tenants.get(tenantId);
    const detail = `${tenant.id} (${tenant.name}) offers ${tenant.instanceConfigurations.length} instance configurations`;
    return { result: { id: 'tenant', title, status: 'pass', detail }, value: tenant };
  } catch (error) {
    const choices = known.map((t) => `${t.id} (${t.name})`).join(', ') || 'none';
    if (isAuraError(error, 'not_found') || isAuraError(error, 'permission')) {
      return {
        result: fail(
          'tenant',
          title,
          `tenant "${tenantId}" is not among the tenants these credentials can use`,
          `Set AURA_TENANT_ID to one of: ${choices}.`,
        ),
      };
    }
    return { result: fail('tenant', title, (error as Error).message, 'Try again later.') };
  }
}

/** The tenant offers the instance spec (type, memory, cloud provider, region). */
export function checkInstanceSpec(spec: CliConfig['instance'], tenant: Tenant): CheckResult {
  const title = 'instance spec';
  const offer = checkSpecOffered(spec, tenant.instanceConfigurations);
  if (offer.offered) {
    return {
      id: 'instance-spec',
      title,
      status: 'pass',
      detail: `${describeSpec(spec)} is offered`,
    };
  }
  return fail(
    'instance-spec',
    title,
    `tenant ${tenant.id} does not offer ${describeSpec(spec)}`,
    `Set AURA_INSTANCE_TYPE, AURA_INSTANCE_MEMORY, AURA_INSTANCE_CLOUD_PROVIDER and AURA_INSTANCE_REGION to an offer of the tenant: ${offer.alternatives.join('; ')}.`,
  );
}

/** What to do about a store failure, from its SQLSTATE or connection error. */
export function storeFix(message: string, table: string): string {
  if (/42P01|3F000/.test(message)) {
    return `Create the table ${table}: run \`aura-provisioner migrate\` (\`--dry-run\` prints its SQL, for your own migrations). On Supabase, apply ${SUPABASE_MIGRATION} with the Supabase CLI instead.`;
  }
  if (/28P01|28000/.test(message)) return 'Check the user name and password in DATABASE_URL.';
  if (/3D000/.test(message))
    return 'The database named in DATABASE_URL does not exist: check its path.';
  if (/42501/.test(message)) {
    return `Grant the DATABASE_URL user select, insert, update and delete on ${table}.`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timeout/i.test(message)) {
    return 'Cannot connect: check the host and port in DATABASE_URL, and that the server runs.';
  }
  return 'Check DATABASE_URL and AURA_PROVISIONER_TABLE.';
}

/** Where the store is, as pg reads the URL (a `?host=` wins), without its credentials. */
export function describeDatabase(databaseUrl: string): string {
  const reading = readDatabaseUrl(databaseUrl);
  if (!reading.ok) return 'PostgreSQL';
  const { host, port, database } = reading.url;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `PostgreSQL at ${shownHost}:${port || '5432'}/${database ?? ''}`;
}

/**
 * How the hosts table reads, for the store check's detail. Only the
 * `database-per-user` placement needs it, so it never fails the check.
 */
async function describeHosts(store: CredentialStore, table: string): Promise<string> {
  if (!isHostStore(store)) return '';
  const hostsTable = defaultHostsTable(table);
  try {
    const hosts = await store.listHosts();
    return `; hosts table ${hostsTable} is readable (${hosts.length} host${hosts.length === 1 ? '' : 's'})`;
  } catch (error) {
    const message = (error as Error).message;
    const advice = /42P01|3F000/.test(message)
      ? 'create it with `aura-provisioner migrate` before using the database-per-user placement'
      : 'the database-per-user placement cannot use it';
    return `; hosts table ${hostsTable} is not readable (${message}): ${advice}`;
  }
}

/** The store answers a read of its table (and, reported only, of its hosts table). */
export async function checkStore(
  store: CredentialStore,
  settings: CliConfig['store'],
): Promise<CheckResult> {
  const title = 'store';
  try {
    await store.list({ limit: 1 });
    const hosts = await describeHosts(store, settings.table);
    const detail = `${describeDatabase(settings.databaseUrl)}, table ${settings.table} is readable${hosts}`;
    return { id: 'store', title, status: 'pass', detail };
  } catch (error) {
    const message = (error as Error).message;
    return fail('store', title, message, storeFix(message, settings.table));
  }
}

/** How many stored credentials the cipher check tries to decrypt. */
export const CIPHER_SAMPLE_SIZE = 20;

/**
 * The keys encrypt and decrypt, and (when the store is readable) decrypt a
 * sample of the stored credentials: a key of the right length but the wrong
 * bytes fails here, not at a user's first connection. Plaintexts stay in memory.
 */
export async function checkCipher(
  cipher: CredentialCipher,
  settings: CliConfig['cipher'],
  store: CredentialStore | undefined,
): Promise<CheckResult> {
  const title = 'cipher keys';
  const ids = Object.keys(settings.keys);
  const probe = crypto.randomUUID();
  if ((await cipher.decrypt(await cipher.encrypt(probe, 'doctor'), 'doctor')) !== probe) {
    return fail(
      'cipher',
      title,
      'a round trip through the cipher changed the text',
      'Report this bug.',
    );
  }
  const keysDetail = `${ids.length} key${ids.length === 1 ? '' : 's'} (${ids.join(', ')}), ${settings.currentKeyId} encrypts`;
  if (!store)
    return {
      id: 'cipher',
      title,
      status: 'pass',
      detail: `${keysDetail}; stored credentials not checked (no store)`,
    };
  const page = await store.list({ statuses: ['ready', 'creating'], limit: CIPHER_SAMPLE_SIZE });
  const sample = page.records.filter((r) => r.encryptedPassword !== null);
  const failures: { userId: string; message: string }[] = [];
  for (const record of sample) {
    await cipher
      .decrypt(record.encryptedPassword as string, record.userId)
      .catch((error: unknown) => {
        failures.push({ userId: record.userId, message: (error as Error).message });
      });
  }
  if (failures.length === 0) {
    return {
      id: 'cipher',
      title,
      status: 'pass',
      detail: `${keysDetail}; decrypted ${sample.length} of ${sample.length} sampled stored credentials`,
    };
  }
  const inUse = [...new Set(sample.map((r) => (r.encryptedPassword as string).split(':')[1]))].join(
    ', ',
  );
  const users = failures
    .slice(0, 3)
    .map((f) => f.userId)
    .join(', ');
  return fail(
    'cipher',
    title,
    `cannot decrypt ${failures.length} of ${sample.length} sampled stored credentials (users ${users}): ${failures[0]?.message}`,
    `AURA_PROVISIONER_KEYS must hold the keys that encrypted the stored credentials (key ids in use: ${inUse}), with the same bytes.`,
  );
}
