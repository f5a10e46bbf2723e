export { checkUserId, checkUses, checkVersion, isDatabaseClash } from './store-arguments.js';

import { ProvisioningConfigurationError } from '../records/errors.js';
import type { ResolvedColumns, UserDatabaseField } from './postgres-columns.js';

// Query parameters PostgREST reads as its own, never as a filter on a column of that name.
const RESERVED = new Set([
  'select',
  'order',
  'limit',
  'offset',
  'and',
  'or',
  'on_conflict',
  'columns',
]);
const FILTERED: readonly UserDatabaseField[] = [
  'userId',
  'version',
  'status',
  'nextCheckAt',
  'lastUsedAt',
];

/** Throws if a column the store filters on has a name PostgREST would take for a parameter. */
export function checkFilteredColumns(columns: ResolvedColumns): void {
  for (const field of FILTERED) {
    const { column } = columns.of(field);
    if (RESERVED.has(column)) {
      throw new ProvisioningConfigurationError(
        `Column ${column} (for ${field}) is a PostgREST query parameter name: the store cannot filter on it`,
      );
    }
  }
}
