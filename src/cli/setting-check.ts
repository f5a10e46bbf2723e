import { CLOUD_PROVIDERS, INSTANCE_TYPES } from '../aura/schemas.js';
import { PROVISIONING_DEFAULTS } from '../provisioning/defaults.js';
import { PLACEMENT_DEFAULTS } from '../provisioning/placement.js';
import { readDatabaseUrl } from './database-url.js';
import { PLACEMENTS, type SettingDefinition } from './settings.js';

const TABLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const oneOf = (list: readonly string[]) => list.join(', ');

/**
 * What is wrong with one setting's value, or `undefined`. The problem is
 * phrased to follow the setting's name, and never quotes a secret.
 *
 * @example
 * ```ts
 * problemOf(settingNamed('instanceMemory'), 'lots'); // '"lots" is not a size such as 1GB or 2GB'
 * ```
 */
export function problemOf(def: SettingDefinition, value: string): string | undefined {
  switch (def.name) {
    case 'baseUrl':
      return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)
        ? undefined
        : `"${value}" is not an http(s) URL`;
    case 'databaseUrl': {
      if (!/^postgres(ql)?:\/\//.test(value)) return 'must start with postgres://';
      const reading = readDatabaseUrl(value);
      return reading.ok ? undefined : reading.problem;
    }
    case 'table':
      return TABLE.test(value) ? undefined : `"${value}" is not \`table\` or \`schema.table\``;
    case 'instanceType':
      return (INSTANCE_TYPES as readonly string[]).includes(value)
        ? undefined
        : `"${value}" is not an instance type (${oneOf(INSTANCE_TYPES)})`;
    case 'instanceCloudProvider':
      return (CLOUD_PROVIDERS as readonly string[]).includes(value)
        ? undefined
        : `"${value}" is not a cloud provider (${oneOf(CLOUD_PROVIDERS)})`;
    case 'instanceMemory':
      return /^\d+GB$/.test(value) ? undefined : `"${value}" is not a size such as 1GB or 2GB`;
    case 'expectedCreationMs': {
      // Past the deadline a create fails before its first read.
      const { deadlineMs } = PROVISIONING_DEFAULTS.poll;
      return /^\d+$/.test(value) && Number(value) <= deadlineMs
        ? undefined
        : `"${value}" is not a whole number of milliseconds from 0 to ${deadlineMs} (the creation deadline)`;
    }
    case 'placement':
      return (PLACEMENTS as readonly string[]).includes(value)
        ? undefined
        : `"${value}" is not a placement (${oneOf(PLACEMENTS)})`;
    case 'maxDatabasesPerHost': {
      const most = PLACEMENT_DEFAULTS.maxDatabasesPerInstance;
      return /^\d+$/.test(value) && Number(value) >= 2 && Number(value) <= most
        ? undefined
        : `"${value}" is not a whole number from 2 to ${most}`;
    }
    case 'warmSlots':
      return /^\d+$/.test(value) ? undefined : `"${value}" is not a whole number (0 or more)`;
    case 'maxHosts':
      return /^\d+$/.test(value) && Number(value) >= 1
        ? undefined
        : `"${value}" is not a whole number (1 or more)`;
    case 'instancePrefix':
      return /^[a-z0-9-]{1,4}$/.test(value) ? undefined : `"${value}" is not 1–4 of a-z, 0-9, -`;
    default:
      return value.trim() === '' ? 'is empty' : undefined;
  }
}
