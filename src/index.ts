export * from './aura/index.js';
export * from './client-factory/index.js';
export * from './provisioning/index.js';
