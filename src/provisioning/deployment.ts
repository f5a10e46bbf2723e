import { ProvisioningConfigurationError } from '../records/errors.js';
import { deploymentTag } from '../records/instance-name.js';
import type { CredentialStore } from '../records/store.js';
import type { NameOwnership } from './ownership.js';

/**
 * The `deployment` option: a name of your choosing (hashed into the tag new
 * instance names carry), `false` (untagged names; the prefix is this
 * deployment's alone), or unset (the store's `deploymentKey()`).
 */
export type DeploymentOption = string | false | undefined;

/** Checks the `deployment` option. */
export function checkDeployment(deployment: unknown): DeploymentOption {
  if (deployment === undefined || deployment === false) return deployment;
  if (typeof deployment === 'string' && deployment.trim() !== '') return deployment;
  throw new ProvisioningConfigurationError(
    'deployment must be a non-empty string (a name for this deployment) or false',
  );
}

/**
 * How this deployment's instance names are told from another's: by the tag
 * of the `deployment` option or of the store's `deploymentKey()`; by the
 * prefix alone with `deployment: false`; not at all when the store cannot
 * name its deployment (nothing unowned is then proven ours).
 *
 * @example
 * ```ts
 * await resolveNameOwnership(undefined, new MemoryCredentialStore()); // { tag: '...' }
 * ```
 */
export async function resolveNameOwnership(
  deployment: DeploymentOption,
  store: Pick<CredentialStore, 'deploymentKey'>,
): Promise<NameOwnership> {
  if (deployment === false) return { exclusivePrefix: true };
  if (deployment !== undefined) return { tag: deploymentTag(deployment) };
  const key = await store.deploymentKey?.();
  return key ? { tag: deploymentTag(key) } : { unknown: true };
}

/** A memo of {@link resolveNameOwnership}: one store call, tried again after a failure. */
export function nameOwnershipOnce(
  deployment: DeploymentOption,
  store: Pick<CredentialStore, 'deploymentKey'>,
): () => Promise<NameOwnership> {
  let resolving: Promise<NameOwnership> | undefined;
  return () => {
    resolving ??= resolveNameOwnership(deployment, store).catch((error: unknown) => {
      resolving = undefined;
      throw error;
    });
    return resolving;
  };
}

/** The tag new names carry, if any. */
export const tagOf = (names: NameOwnership): string | undefined =>
  'tag' in names ? names.tag : undefined;
