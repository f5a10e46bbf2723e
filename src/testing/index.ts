/**
 * `aura-provisioner/testing`: a stateful fake of the Aura API v1 (for MSW or
 * over loopback HTTP) and a simulated clock.
 *
 * @example
 * ```ts
 * import { createAuraMock, createTestClock } from 'aura-provisioner/testing';
 * const clock = createTestClock();
 * const aura = createAuraMock({ clock });
 * ```
 *
 * @module aura-provisioner/testing
 */
export type { AuraMock } from './aura-mock.js';
export { createAuraMock } from './aura-mock.js';
export {
  AuraMockConfigurationError,
  AuraMockRequestEndedError,
  isTestingError,
  TestClockStalledError,
  TestingError,
  type TestingErrorCode,
} from './errors.js';
export type { AuraMockFaults, FailOptions, FaultMatch, MalformedVariant } from './faults.js';
export type { ListenOptions, LoopbackServer } from './loopback-server.js';
export type { AuraMockBill, InstanceMeter } from './meter.js';
export type {
  CloudProvider,
  InstanceConfiguration,
  InstanceStatus,
  InstanceType,
  MockInstance,
  MockInstanceSpec,
  RecordedRequest,
  SeedInstance,
  TenantSeed,
} from './model.js';
export type { AuraMockOptions, Neo4jServer, TransitionDurations } from './options.js';
export { DEFAULT_INSTANCE_CONFIGURATIONS, DEFAULTS as AURA_MOCK_DEFAULTS } from './options.js';
export type { TestClock, TestClockOptions } from './test-clock.js';
export { createTestClock } from './test-clock.js';
export type { MockDatabase } from './v2/model.js';
export type { MultiDatabaseMockOptions, OrganizationSeed } from './v2/options.js';
