import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, serveWithMsw } from '../support/aura-api.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = createTestClock();
const aura = createAuraMock({
  clock,
  transitionMs: { pausing: HOUR, resuming: 2 * HOUR, destroying: 0 },
});
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);
// A fresh token per call: the simulated hours outlast a token's lifetime.
const act = async (method: string, path: string) =>
  api.call(method, path, { token: await api.token(), body: method === 'POST' ? {} : undefined });

describe('pause and resume times, and the 30-day auto-resume', () => {
  it('pauses and resumes in the configured times', async () => {
    aura.reset();
    const { id } = aura.addInstance({ name: 'sleepy' });
    await act('POST', `/instances/${id}/pause`);
    await clock.advance(HOUR - 1);
    expect(aura.instance(id)?.status).toBe('pausing');
    await clock.advance(1);
    expect(aura.instance(id)?.status).toBe('paused');
    await act('POST', `/instances/${id}/resume`);
    await clock.advance(2 * HOUR - 1);
    expect(aura.instance(id)?.status).toBe('resuming');
    await clock.advance(1);
    expect(aura.instance(id)?.status).toBe('running');
  });

  it('resumes a paused instance on its own after 30 days paused, and counts it', async () => {
    aura.reset();
    const { id } = aura.addInstance({ name: 'forgotten', status: 'paused' });
    await clock.advance(30 * DAY - 1);
    expect(aura.instance(id)?.status).toBe('paused');
    await clock.advance(1);
    expect(aura.instance(id)?.status).toBe('resuming');
    await clock.advance(2 * HOUR);
    expect(aura.instance(id)?.status).toBe('running');
    expect(aura.bill().instances[0]?.autoResumes).toBe(1);
  });

  it('settles through every status it passed while nobody looked', async () => {
    aura.reset();
    const { id } = aura.addInstance({ name: 'unwatched', status: 'pausing' });
    await clock.advance(HOUR + 30 * DAY + 2 * HOUR);
    expect(aura.instance(id)?.status).toBe('running');
  });

  it('never resumes with autoResumeAfterMs: Infinity', async () => {
    const own = createAuraMock({ clock, autoResumeAfterMs: Number.POSITIVE_INFINITY });
    const { id } = own.addInstance({ name: 'held', status: 'paused' });
    await clock.advance(365 * DAY);
    expect(own.instance(id)?.status).toBe('paused');
  });
});

describe('the bill', () => {
  it('meters GB-hours running and paused, per instance and in total, gone ones kept', async () => {
    aura.reset();
    const small = aura.addInstance({ name: 'small', memory: '1GB' });
    const big = aura.addInstance({ name: 'big', memory: '4GB' });
    await clock.advance(10 * HOUR);
    await act('POST', `/instances/${small.id}/pause`);
    await clock.advance(HOUR + 24 * HOUR); // pausing 1 h (billed running), then paused 24 h
    await act('DELETE', `/instances/${big.id}`);
    await clock.advance(5 * HOUR);

    const bill = aura.bill();
    expect(bill.instances).toEqual([
      expect.objectContaining({
        id: small.id,
        name: 'small',
        memoryGb: 1,
        runningGbHours: 11,
        pausedGbHours: 29,
        gone: false,
      }),
      expect.objectContaining({
        id: big.id,
        memoryGb: 4,
        runningGbHours: 4 * 35,
        pausedGbHours: 0,
        gone: true,
      }),
    ]);
    expect(bill.runningGbHours).toBe(11 + 140);
    expect(bill.pausedGbHours).toBe(29);
  });

  it('forgets the bill on reset', async () => {
    aura.addInstance({ name: 'x' });
    await clock.advance(HOUR);
    aura.reset();
    expect(aura.bill()).toEqual({ instances: [], runningGbHours: 0, pausedGbHours: 0 });
  });
});
