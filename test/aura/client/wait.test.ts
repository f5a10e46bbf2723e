import { describe, expect, it } from 'vitest';
import {
  AuraAbortError,
  AuraInstanceFailedError,
  AuraNotFoundError,
  AuraTimeoutError,
  type WaitProgress,
} from '../../../src/aura/index.js';
import { INSTANCE_SPEC, rejectionOf, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const MINUTE = 60_000;

/** Consecutive duplicates removed: the sequence of distinct statuses seen. */
const phases = (progress: WaitProgress[]) =>
  progress.map((p) => p.status).filter((status, i, all) => status !== all[i - 1]);

describe('instances.waitUntilRunning', () => {
  it('resolves running after not-found and creating', async () => {
    const { aura, clock, run } = setup({
      fake: { notFoundAfterCreateMs: 20_000, creationTimeMs: 90_000 },
    });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const progress: WaitProgress[] = [];
    const instance = await run(
      aura.instances.waitUntilRunning(created.id, { onProgress: (p) => progress.push(p) }),
    );
    expect(instance).toMatchObject({ id: created.id, status: 'running' });
    expect(phases(progress)).toEqual(['not-found', 'creating', 'running']);
    expect(progress.map((p) => p.checks)).toEqual(progress.map((_, i) => i + 1));
    expect(clock.now() - started).toBeGreaterThanOrEqual(90_000);
    expect(clock.now() - started).toBeLessThan(90_000 + 20_000);
  });

  it('gives AuraNotFoundError when the 404 lasts beyond the grace', async () => {
    const { aura, clock, run } = setup({ fake: { notFoundAfterCreateMs: 5 * MINUTE } });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const error = await rejectionOf(run(aura.instances.waitUntilRunning(created.id)));
    expect(error).toBeInstanceOf(AuraNotFoundError);
    expect(clock.now() - started).toBeGreaterThan(MINUTE);
    expect(clock.now() - started).toBeLessThan(MINUTE + 20_000);
  });

  it('honours a shorter notFoundGraceMs', async () => {
    const { aura, clock, run } = setup({ fake: { notFoundAfterCreateMs: 20_000 } });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const wait = aura.instances.waitUntilRunning(created.id, { notFoundGraceMs: 10_000 });
    expect(await rejectionOf(run(wait))).toBeInstanceOf(AuraNotFoundError);
    expect(clock.now() - started).toBeLessThan(20_000);
  });

  it('gives AuraInstanceFailedError as soon as loading failed, long before the deadline', async () => {
    const { aura, clock, run } = setup({
      fake: { creationTimeMs: 90_000, failCreation: () => true },
    });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const error = await rejectionOf(
      run(aura.instances.waitUntilRunning(created.id, { timeoutMs: 15 * MINUTE })),
    );
    expect(error).toBeInstanceOf(AuraInstanceFailedError);
    expect(error).toMatchObject({ instanceId: created.id, instanceStatus: 'loading failed' });
    expect(clock.now() - started).toBeLessThan(90_000 + 20_000);
  });

  it('gives AuraTimeoutError at the deadline', async () => {
    const { aura, clock, run } = setup({ fake: { creationTimeMs: 30 * MINUTE } });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const error = await rejectionOf(
      run(aura.instances.waitUntilRunning(created.id, { timeoutMs: 5 * MINUTE })),
    );
    expect(error).toBeInstanceOf(AuraTimeoutError);
    expect((error as AuraTimeoutError).timeoutMs).toBe(5 * MINUTE);
    expect(clock.now() - started).toBe(5 * MINUTE);
  });

  it('gives AuraAbortError when its signal aborts', async () => {
    const { aura, clock, run } = setup({ fake: { creationTimeMs: 30 * MINUTE } });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    const started = clock.now();
    const controller = new AbortController();
    void clock.sleep(42_000).then(() => controller.abort());
    const wait = aura.instances.waitUntilRunning(created.id, { signal: controller.signal });
    const error = await rejectionOf(run(wait));
    expect(error).toBeInstanceOf(AuraAbortError);
    expect(clock.now() - started).toBe(42_000);
  });

  // One deadline bounds the whole wait, a status read in flight included.
  it('gives up at the deadline even while a check hangs', async () => {
    const { aura, clock, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'stuck', status: 'creating' });
    fake.faults.timeoutNext(100, { match: { method: 'GET' } });
    const started = clock.now();
    const error = await rejectionOf(
      run(aura.instances.waitUntilRunning(id, { timeoutMs: MINUTE })),
    );
    expect(error).toBeInstanceOf(AuraTimeoutError);
    expect((error as AuraTimeoutError).timeoutMs).toBe(MINUTE);
    expect(clock.now() - started).toBeLessThanOrEqual(MINUTE);
  });
});
