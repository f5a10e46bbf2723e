export * from './aura/index.js';
