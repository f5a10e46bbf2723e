/**
 * `aura-provisioner`: the Aura API client (`AuraClient`, `AuraV2`), the provisioner
 * (`createProvisioner`, `provisionUserDatabase`), the in-memory credential store and the
 * ciphers, and the per-user Query API client. Optional peers live behind their own subpaths.
 *
 * @module aura-provisioner
 */
export * from './aura/index.js';
export * from './client-factory/index.js';
export * from './provisioning/index.js';
