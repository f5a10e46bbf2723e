import type { Route } from '../router.js';
import { V2_BILLING_ROUTES } from './v2-billing.js';
import { V2_DATABASE_ROUTES } from './v2-databases.js';
import { V2_INSTANCE_ROUTES } from './v2-instances.js';
import { V2_ORGANIZATION_ROUTES } from './v2-organizations.js';

/** Every `/v2beta1` route the fake serves; patterns keep the `/v2beta1` prefix. */
export const V2_ROUTES: readonly Route[] = [
  ...V2_ORGANIZATION_ROUTES,
  ...V2_INSTANCE_ROUTES,
  ...V2_DATABASE_ROUTES,
  ...V2_BILLING_ROUTES,
];
