import { describe, expect, it } from 'vitest';
import {
  AuraBadRequestError,
  AuraCreateOutcomeUnknownError,
  AuraInstanceLimitError,
  AuraNetworkError,
  AuraRateLimitError,
  AuraTimeoutError,
} from '../../../src/aura/index.js';
import type { RecordedRequest } from '../../../src/testing/index.js';
import { apiRequests, INSTANCE_SPEC, rejectionOf, summary, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const CREATE = { method: 'POST', path: '/instances' };

const createRequests = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path === '/v1/instances');

describe('POST /instances', () => {
  it('is retried on 429 (Aura refused it) and then succeeds', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 429, match: CREATE });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    expect(summary(createRequests(fake.requests))).toEqual([
      'POST /v1/instances 429',
      'POST /v1/instances 202',
    ]);
    expect(fake.instances.map((instance) => instance.id)).toEqual([created.id]);
  });

  it('gives AuraRateLimitError, not an unknown outcome, when 429 outlasts the retries', async () => {
    const { aura, fake, run } = setup({ client: { retry: { limit: 1 } } });
    fake.faults.failNext(2, { status: 429, match: CREATE });
    expect(await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)))).toBeInstanceOf(
      AuraRateLimitError,
    );
    expect(createRequests(fake.requests)).toHaveLength(2);
  });

  it('is not retried on 503: AuraCreateOutcomeUnknownError after exactly one request', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 503, match: CREATE });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    expect((error as AuraCreateOutcomeUnknownError).status).toBe(503);
    expect(summary(apiRequests(fake))).toEqual(['POST /v1/instances 503']);
  });

  it('gives AuraCreateOutcomeUnknownError when it succeeded but the answer timed out; findByName finds the instance', async () => {
    const { aura, fake, run } = setup();
    fake.faults.createSucceedsThenTimeout(1);
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    const unknown = error as AuraCreateOutcomeUnknownError;
    expect(unknown.mayHaveBeenCreated).toBe(true);
    expect(unknown.instanceName).toBe(INSTANCE_SPEC.name);
    expect(unknown.cause).toBeInstanceOf(AuraTimeoutError);
    expect(createRequests(fake.requests)).toHaveLength(1);
    expect(fake.instances).toHaveLength(1);
    const found = await run(aura.instances.findByName(unknown.instanceName));
    expect(found.map((instance) => instance.id)).toEqual([fake.instances[0]?.id]);
  });

  it('gives AuraCreateOutcomeUnknownError after a dropped connection, without retrying', async () => {
    const { aura, fake, run } = setup();
    fake.faults.dropConnectionNext(1, { match: CREATE });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    expect(error.cause).toBeInstanceOf(AuraNetworkError);
    expect(createRequests(fake.requests)).toHaveLength(1);
  });

  it('gives AuraCreateOutcomeUnknownError for a success answer it cannot read', async () => {
    const { aura, fake, run } = setup();
    fake.faults.malformedNext(1, { variant: 'wrong-shape', match: CREATE });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraCreateOutcomeUnknownError);
    expect(createRequests(fake.requests)).toHaveLength(1);
  });

  it('gives AuraBadRequestError with the reason for 400 missing-billing-details, one request', async () => {
    const { aura, fake, run } = setup();
    fake.faults.failNext(1, { status: 400, match: CREATE });
    const error = await rejectionOf(run(aura.instances.create(INSTANCE_SPEC)));
    expect(error).toBeInstanceOf(AuraBadRequestError);
    expect((error as AuraBadRequestError).reason).toBe('missing-billing-details');
    expect(createRequests(fake.requests)).toHaveLength(1);
  });

  it('gives AuraBadRequestError naming the field Aura refused', async () => {
    const { aura, fake, run } = setup();
    const error = await rejectionOf(
      run(aura.instances.create({ ...INSTANCE_SPEC, region: 'mars-north1' })),
    );
    expect(error).toBeInstanceOf(AuraBadRequestError);
    expect((error as AuraBadRequestError).fields).toEqual(['region']);
    expect(createRequests(fake.requests)).toHaveLength(1);
  });

  it('gives AuraInstanceLimitError on 405, one request', async () => {
    const { aura, fake, run } = setup({ fake: { instanceLimit: 1 } });
    await run(aura.instances.create(INSTANCE_SPEC));
    const error = await rejectionOf(run(aura.instances.create({ ...INSTANCE_SPEC, name: 'two' })));
    expect(error).toBeInstanceOf(AuraInstanceLimitError);
    expect(error).toMatchObject({ status: 405, code: 'instance_limit' });
    expect(summary(createRequests(fake.requests))).toEqual([
      'POST /v1/instances 202',
      'POST /v1/instances 405',
    ]);
  });
});
