import { checkInput, createInstanceInput } from '../aura/requests.js';
import { AuraV2 } from '../aura/resources/v2/aura-v2.js';
import { systemClock } from '../kernel/clock.js';
import { MAX_TIMER_MS } from '../kernel/limits.js';
import { silentLogger } from '../kernel/logger.js';
import { ProvisioningConfigurationError } from '../records/errors.js';
import type { ProvisioningEvents } from '../records/events.js';
import { type HostStore, isHostStore } from '../records/host-record.js';
import { checkPrefix } from '../records/instance-name.js';
import type { CredentialStore } from '../records/store.js';
import { HostPool } from './database/index.js';
import { PROVISIONING_DEFAULTS } from './defaults.js';
import { checkDeployment, nameOwnershipOnce } from './deployment.js';
import { guardHostStore, guardStore } from './guarded-store.js';
import { IdleReader } from './idle-reader.js';
import { markRunning } from './instance/index.js';
import { resolvePlacement } from './placement.js';
import {
  CreationTimeEstimator,
  checkPollPolicy,
  DEFAULT_POLL_POLICY,
  ReadOutcomeTracker,
} from './poll-policy.js';
import { ProbeTrust } from './probe-trust.js';
import type { ProvisionerOptions } from './provisioner-options.js';
import type { Runtime } from './runtime.js';
import { InProcessScheduler } from './scheduler.js';

/**
 * Checks the provisioner's options (each mistake a `ProvisioningConfigurationError`)
 * and builds the engine's runtime from them, emitting events to `events`, and, with the
 * `database-per-user` placement, the pool of shared hosts its strategy runs.
 * Internal: `createProvisioner` is the public way in.
 */
export function buildRuntime(
  options: ProvisionerOptions,
  events: ProvisioningEvents,
): { rt: Runtime; hosts: HostPool | undefined; reconcileIntervalMs: number } {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const prefix = checkPrefix(
    options.instanceNamePrefix ?? PROVISIONING_DEFAULTS.instanceNamePrefix,
  );
  if (!options.aura || !options.store || !options.cipher) {
    throw new ProvisioningConfigurationError(
      'createProvisioner needs `aura`, `store` and `cipher`',
    );
  }
  const placement = resolvePlacement(options.placement, prefix);
  if (placement && !isHostStore(options.store)) {
    throw new ProvisioningConfigurationError(
      'The database-per-user placement needs a store that keeps host records (getHost, claimHost, updateHost, deleteHost, listHosts): MemoryCredentialStore, PostgresCredentialStore or SupabaseCredentialStore',
    );
  }
  if (!options.instance && !placement) {
    throw new ProvisioningConfigurationError(
      'createProvisioner needs `instance` (the instance each user gets) unless `placement` is database-per-user',
    );
  }
  // With hosts and no instance spec, the hosts' own (their project is the v1 tenant).
  const instanceSpec = options.instance ?? {
    tenantId: placement?.host.projectId,
    type: placement?.host.type,
    memory: placement?.host.memory,
    region: placement?.host.region,
    cloudProvider: placement?.host.cloudProvider,
  };
  // Neither given: the client looks up the only tenant the credentials see, at the first call.
  const tenantId = instanceSpec.tenantId ?? options.aura.tenantId;
  let spec: ReturnType<typeof createInstanceInput.parse>;
  try {
    // The name is a placeholder of the longest derived shape: the spec is checked as a create
    // would be (a tenant still to be looked up, too).
    spec = checkInput(
      createInstanceInput,
      {
        ...instanceSpec,
        tenantId: tenantId ?? 'looked-up',
        name: `${prefix}u${'0'.repeat(25)}`,
      },
      'instance spec',
    );
  } catch (cause) {
    throw new ProvisioningConfigurationError(
      `Invalid instance spec: ${(cause as Error).message.replace(/^Invalid instance spec: /, '')}`,
      { cause },
    );
  }
  const { name: _name, tenantId: _checked, ...rest } = spec;
  const instance = { ...rest, tenantId };
  const policy = { ...DEFAULT_POLL_POLICY, ...options.poll };
  const badPolicy = checkPollPolicy(policy);
  if (badPolicy) throw new ProvisioningConfigurationError(`Invalid poll policy: ${badPolicy}`);
  const reconcileIntervalMs =
    options.reconcileIntervalMs ?? PROVISIONING_DEFAULTS.reconcileIntervalMs;
  if (
    typeof reconcileIntervalMs !== 'number' ||
    !(reconcileIntervalMs >= 0 && reconcileIntervalMs <= MAX_TIMER_MS)
  ) {
    throw new ProvisioningConfigurationError(
      `Invalid reconcileIntervalMs: expected 0 (off) or a duration up to ${MAX_TIMER_MS} ms`,
    );
  }
  const deployment = checkDeployment(options.deployment);
  const orphanGraceMs = options.orphanGraceMs ?? PROVISIONING_DEFAULTS.orphanGraceMs;
  if (typeof orphanGraceMs !== 'number' || !(orphanGraceMs >= 0 && orphanGraceMs <= MAX_TIMER_MS)) {
    throw new ProvisioningConfigurationError(
      `Invalid orphanGraceMs: expected a duration up to ${MAX_TIMER_MS} ms`,
    );
  }
  const scheduler = options.scheduler ?? new InProcessScheduler({ clock, logger });
  // `expectedCreationMs` starts three learners: the probe-timed creation time (here), the first
  // status read's time (`readLearner` below) and the first idle read's (inside the idle reader).
  const durationLearner = new CreationTimeEstimator(policy.expectedCreationMs);
  const probeTrust = new ProbeTrust(options.readinessProbe !== undefined, logger, clock);
  const idleReader = new IdleReader({ aura: options.aura, clock, logger, policy, probeTrust });
  const store = guardStore(options.store);
  const emit: Runtime['emit'] = (event) => {
    const info = { ...event, at: clock.now() };
    try {
      logger.info?.(`provisioning ${event.type}`, { ...info });
    } catch {
      // A logger that throws must not stop provisioning (or lose reconcile's report).
    }
    events.emit(info);
  };
  const hosts = placement
    ? new HostPool({
        project: new AuraV2(options.aura).project(
          placement.host.organizationId,
          placement.host.projectId,
        ),
        hosts: guardHostStore(options.store as CredentialStore & HostStore),
        users: store,
        cipher: options.cipher,
        clock,
        logger,
        placement,
        expectedCreationMs: policy.expectedCreationMs,
        emit,
      })
    : undefined;
  const rt: Runtime = {
    aura: options.aura,
    store,
    cipher: options.cipher,
    scheduler,
    clock,
    logger,
    spec: instance,
    prefix,
    policy,
    // Reads on the policy's schedule learn when to read first from what they answer; reads
    // right after the probe said ready measure creation times (`durationLearner`).
    readLearner: new ReadOutcomeTracker(policy.expectedCreationMs, {
      ...PROVISIONING_DEFAULTS.firstReadLearning,
      minMs: policy.minIntervalMs,
      maxMs: policy.deadlineMs,
    }),
    durationLearner,
    probe: options.readinessProbe,
    probeTrust,
    idleReader,
    limits: {
      createLeaseMs: options.createLeaseMs ?? PROVISIONING_DEFAULTS.createLeaseMs,
      maxCreateAttempts: options.maxCreateAttempts ?? PROVISIONING_DEFAULTS.maxCreateAttempts,
      failedRetryBaseMs: PROVISIONING_DEFAULTS.failedRetryBaseMs,
      failedRetryMaxMs: PROVISIONING_DEFAULTS.failedRetryMaxMs,
      ambiguousCreateDelayMs: PROVISIONING_DEFAULTS.ambiguousCreateDelayMs,
      storeWriteAttempts: PROVISIONING_DEFAULTS.storeWriteAttempts,
      storeWriteBackoffMs: PROVISIONING_DEFAULTS.storeWriteBackoffMs,
    },
    emit,
    names: nameOwnershipOnce(deployment, store),
    reconciling: { graceMs: orphanGraceMs, firstSeen: new Map() },
  };

  // Attached once `rt` exists: making a user ready takes the whole engine.
  idleReader.onRunning((userId, instanceId) => markRunning(rt, userId, instanceId));
  return { rt, hosts, reconcileIntervalMs };
}
