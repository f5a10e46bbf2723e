import type { DatabasePerUserPlacement } from '../../src/provisioning/placement.js';

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
