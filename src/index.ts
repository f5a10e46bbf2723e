export * from './aura/index.js';
export * from './provisioning/index.js';
