import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, serveWithMsw } from '../support/aura-api.js';

// 2026-01-01T00:00:00Z
const clock = createTestClock();
const aura = createAuraMock({ clock });
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

async function snapshotOf(token: string, id: string) {
  const answer = await api.call('POST', `/instances/${id}/snapshots`, { token, body: {} });
  expect(answer.status).toBe(202);
  return (answer.body as { data: { snapshot_id: string } }).data.snapshot_id;
}

describe('snapshots', () => {
  it('takes an ad-hoc snapshot: InProgress, then Completed', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'backed-up' });
    const sid = await snapshotOf(token, id);
    const get = () => api.call('GET', `/instances/${id}/snapshots/${sid}`, { token });
    expect((await get()).body).toEqual({
      data: {
        instance_id: id,
        profile: 'AdHoc',
        snapshot_id: sid,
        status: 'InProgress',
        timestamp: expect.stringMatching(/Z$/),
        exportable: true,
      },
    });
    await clock.advance(30_000);
    expect((await get()).body).toMatchObject({ data: { status: 'Completed' } });
  });

  it('lists the snapshots of a day, today by default', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'daily' });
    const sid = await snapshotOf(token, id);
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const listed = await api.call('GET', `/instances/${id}/snapshots`, { token });
    expect(listed.body).toMatchObject({ data: [{ snapshot_id: sid }] });
    const byDate = await api.call('GET', `/instances/${id}/snapshots?date=${today}`, { token });
    expect(byDate.body).toMatchObject({ data: [{ snapshot_id: sid }] });
    const otherDay = await api.call('GET', `/instances/${id}/snapshots?date=2020-01-01`, {
      token,
    });
    expect(otherDay.body).toEqual({ data: [] });
  });

  it('restores a completed snapshot: 202 restoring, then running', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'restored' });
    const sid = await snapshotOf(token, id);
    const restore = () =>
      api.call('POST', `/instances/${id}/snapshots/${sid}/restore`, { token, body: {} });
    expect((await restore()).status).toBe(409);
    await clock.advance(30_000);
    const answer = await restore();
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ data: { id, status: 'restoring' } });
    await clock.advance(60_000);
    expect(aura.instance(id)?.status).toBe('running');
  });

  it('answers 404 snapshot-not-found for an unknown snapshot', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'empty' });
    const get = await api.call('GET', `/instances/${id}/snapshots/nope`, { token });
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject({ errors: [{ reason: 'snapshot-not-found' }] });
    const restore = await api.call('POST', `/instances/${id}/snapshots/nope/restore`, { token });
    expect(restore.body).toMatchObject({ errors: [{ reason: 'snapshot-not-found' }] });
  });

  it('answers 404 db-not-found for an unknown instance and 409 when it is not running', async () => {
    const token = await api.token();
    const unknown = await api.call('POST', '/instances/ffffffff/snapshots', { token, body: {} });
    expect(unknown.body).toMatchObject({ errors: [{ reason: 'db-not-found' }] });
    const { id } = aura.addInstance({ name: 'paused', status: 'paused' });
    const busy = await api.call('POST', `/instances/${id}/snapshots`, { token, body: {} });
    expect(busy.status).toBe(409);
  });
});
