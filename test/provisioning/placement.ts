import type { DatabasePerUserPlacement } from '../../src/provisioning/placement.js';
import type { AuraMockOptions } from '../../src/testing/index.js';

/**
 * The placement the database-per-user tests use: hosts of 2 GB in the fake's default
 * organization and project, so 10 databases each (`neo4j` counted: 9 users) and 3 warm slots.
 */
export const PLACEMENT: DatabasePerUserPlacement = {
  kind: 'database-per-user',
  host: {
    organizationId: 'org-1',
    projectId: 'tenant-1',
    memory: '2GB',
    region: 'europe-west1',
    cloudProvider: 'gcp',
  },
};

/**
 * The fake under Aura's current page: databases named by Aura, 1 per GB (a 4 GB host holds 4,
 * `neo4j` counted), a full host refusing with 402; hosts created in 60 s, databases in 2 s.
 */
export const ONE_PER_GB: AuraMockOptions = {
  creationTimeMs: 60_000,
  databaseCreationTimeMs: 2_000,
  databasesPerGb: 1,
  databaseLimitStatus: 402,
  databaseNaming: 'auto',
};
