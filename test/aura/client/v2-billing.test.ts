import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuraConfigurationError, AuraRateLimitError, AuraV2 } from '../../../src/aura/index.js';
import { INSTANCE_SPEC, rejectionOf, useAuraFake } from './setup.js';

const { server, setup } = useAuraFake();

const PERIOD = { start: '2026-11-01', end: '2026-11-30' };
const HOUR = 3_600_000;
const usageCalls = (requests: readonly { path: string }[]) =>
  requests.filter((r) => r.path.endsWith('/billing/usage')).length;

describe('AuraV2 billing usage (v2beta1)', () => {
  it('reads each instance’s GB-hours and cost, in the organization the credentials belong to', async () => {
    const { aura, clock, fake, run } = setup();
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    await clock.advance(10 * HOUR);
    const rows = await run(new AuraV2(aura).billing.usage(PERIOD));
    const [meter] = fake.bill().instances;
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.instanceId).toBe(created.id);
    expect(row?.runningGbHours).toBeCloseTo(meter?.runningGbHours ?? -1, 9);
    expect(row?.runningGbHours).toBeGreaterThanOrEqual(10);
    expect(row?.pausedGbHours).toBe(0);
    expect(row?.gbHours).toBeCloseTo(row?.runningGbHours ?? -1, 9);
    expect(row?.cost).toBeCloseTo(((row?.runningGbHours ?? 0) * 65) / 730.5, 9);
    expect(row?.currency).toBe('USD');
    expect(row?.raw.instance_id).toBe(created.id);
    const request = fake.requests.find((r) => r.path.endsWith('/billing/usage'));
    expect(request?.path).toBe('/v2beta1/organizations/org-1/billing/usage');
  });

  it('accepts numeric strings and a total without a split (the fake’s `total` shape)', async () => {
    const { aura, clock, run } = setup({ fake: { billingUsageShape: 'total' } });
    const created = await run(aura.instances.create(INSTANCE_SPEC));
    await clock.advance(5 * HOUR);
    const [row] = await run(new AuraV2(aura).billing.usage({ ...PERIOD, organizationId: 'org-1' }));
    expect(row?.instanceId).toBe(created.id);
    expect(row?.runningGbHours).toBeUndefined();
    expect(row?.gbHours).toBeGreaterThanOrEqual(5);
    expect(row?.cost).toBeCloseTo(((row?.gbHours ?? 0) * 65) / 730.5, 3);
    expect(typeof row?.raw.gb_hours).toBe('string');
  });

  it('finds rows under camelCase names and inside an object, and keeps what it cannot read', async () => {
    const { aura, fake, run } = setup();
    server.use(
      http.get(`${fake.baseUrl}/v2beta1/organizations/org-1/billing/usage`, () =>
        HttpResponse.json({
          data: {
            usage: [
              { instanceId: 'abc', gbHoursRunning: '3.5', gbHoursPaused: 2, amount: 'n/a' },
              { total: 12 },
            ],
          },
        }),
      ),
    );
    const rows = await run(new AuraV2(aura).billing.usage({ ...PERIOD, organizationId: 'org-1' }));
    expect(rows).toEqual([
      {
        instanceId: 'abc',
        runningGbHours: 3.5,
        pausedGbHours: 2,
        gbHours: 5.5,
        cost: undefined,
        currency: undefined,
        raw: { instanceId: 'abc', gbHoursRunning: '3.5', gbHoursPaused: 2, amount: 'n/a' },
      },
      {
        instanceId: undefined,
        runningGbHours: undefined,
        pausedGbHours: undefined,
        gbHours: undefined,
        cost: undefined,
        currency: undefined,
        raw: { total: 12 },
      },
    ]);
  });

  it('refuses bad dates before any call', async () => {
    const { aura, fake, run } = setup();
    const billing = new AuraV2(aura).billing;
    for (const input of [
      { start: 'last month', end: '2026-11-30' },
      { start: '2026-12-01', end: '2026-11-30' },
    ]) {
      expect(await rejectionOf(run(billing.usage(input)))).toBeInstanceOf(AuraConfigurationError);
    }
    expect(fake.requests).toEqual([]);
  });

  it('is refused with 429 past the daily limit, without retrying, until the next day', async () => {
    const { aura, clock, fake, run } = setup({ fake: { billingUsageDailyLimit: 2 } });
    const billing = new AuraV2(aura).billing;
    const input = { ...PERIOD, organizationId: 'org-1' };
    await run(billing.usage(input));
    await run(billing.usage(input));
    const error = await rejectionOf(run(billing.usage(input)));
    expect(error).toBeInstanceOf(AuraRateLimitError);
    expect((error as AuraRateLimitError).retryAfterMs).toBeGreaterThan(60_000);
    expect(usageCalls(fake.requests)).toBe(3);
    await clock.advance(24 * HOUR);
    expect(await run(billing.usage(input))).toEqual([]);
  });
});
