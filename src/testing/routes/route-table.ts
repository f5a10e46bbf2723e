import type { Route } from '../router.js';
import { INSTANCE_ACTION_ROUTES } from './instance-actions.js';
import { INSTANCE_ROUTES } from './instances.js';
import { SNAPSHOT_ROUTES } from './snapshots.js';
import { TENANT_ROUTES } from './tenants.js';

/** Every `/v1` route the fake serves. */
export const ROUTES: readonly Route[] = [
  ...TENANT_ROUTES,
  ...INSTANCE_ROUTES,
  ...INSTANCE_ACTION_ROUTES,
  ...SNAPSHOT_ROUTES,
];
