import { describe, expect, it } from 'vitest';
import { createAuraMock, createTestClock } from '../../src/testing/index.js';
import { apiOf, serveWithMsw } from '../support/aura-api.js';

const clock = createTestClock();
const aura = createAuraMock({ clock });
serveWithMsw(aura);
const api = apiOf(aura.baseUrl);

const statusOf = (answer: { body: unknown }) =>
  (answer.body as { data?: { status?: string } }).data?.status;

describe('deleting an instance', () => {
  it('answers 202 destroying, keeps listing it briefly, then answers 404', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'doomed' });
    const deleted = await api.call('DELETE', `/instances/${id}`, { token });
    expect(deleted.status).toBe(202);
    expect(statusOf(deleted)).toBe('destroying');

    expect(statusOf(await api.call('GET', `/instances/${id}`, { token }))).toBe('destroying');
    expect((await api.call('GET', '/instances', { token })).body).toMatchObject({
      data: [{ id }],
    });

    await clock.advance(10_000);
    expect((await api.call('GET', `/instances/${id}`, { token })).status).toBe(404);
    expect((await api.call('GET', '/instances', { token })).body).toEqual({ data: [] });
    expect(aura.instances).toEqual([]);
  });

  it('answers 404 to a second DELETE', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'twice' });
    expect((await api.call('DELETE', `/instances/${id}`, { token })).status).toBe(202);
    const again = await api.call('DELETE', `/instances/${id}`, { token });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ errors: [{ reason: 'db-not-found' }] });
  });

  it('deletes an instance that is still creating', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'young', status: 'creating' });
    expect((await api.call('DELETE', `/instances/${id}`, { token })).status).toBe(202);
  });

  it('answers 409 while another operation runs', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'busy', status: 'pausing' });
    const answer = await api.call('DELETE', `/instances/${id}`, { token });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ errors: [{ reason: 'ongoing-database-operation' }] });
  });
});

describe('pausing and resuming', () => {
  it('pauses a running instance: pausing, then paused', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'sleepy' });
    const paused = await api.call('POST', `/instances/${id}/pause`, { token, body: {} });
    expect(paused.status).toBe(202);
    expect(statusOf(paused)).toBe('pausing');
    await clock.advance(30_000);
    expect(aura.instance(id)?.status).toBe('paused');
  });

  it('resumes a paused instance: resuming, then running', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'waking', status: 'paused' });
    const resumed = await api.call('POST', `/instances/${id}/resume`, { token, body: {} });
    expect(resumed.status).toBe(202);
    expect(statusOf(resumed)).toBe('resuming');
    await clock.advance(60_000);
    expect(aura.instance(id)?.status).toBe('running');
  });

  it('answers 409 to pause when not running and to resume when not paused', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'creating', status: 'creating' });
    const pause = await api.call('POST', `/instances/${id}/pause`, { token, body: {} });
    expect(pause.status).toBe(409);
    expect(pause.body).toMatchObject({ errors: [{ reason: 'ongoing-database-operation' }] });
    const resume = await api.call('POST', `/instances/${id}/resume`, { token, body: {} });
    expect(resume.status).toBe(409);
  });

  it('answers 404 for an unknown instance', async () => {
    const token = await api.token();
    expect((await api.call('POST', '/instances/ffffffff/pause', { token })).status).toBe(404);
  });
});

describe('updating an instance', () => {
  it('renames and resizes: 200 with updating, then running', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'small' });
    const answer = await api.call('PATCH', `/instances/${id}`, {
      token,
      body: { name: 'bigger', memory: '4GB' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      data: { name: 'bigger', memory: '4GB', storage: '8GB', status: 'updating' },
    });
    await clock.advance(5_000);
    expect(aura.instance(id)).toMatchObject({ status: 'running', name: 'bigger' });
  });

  it('refuses a bad name, an unoffered size and an empty change with 400', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'strict' });
    const patch = (body: unknown) => api.call('PATCH', `/instances/${id}`, { token, body });
    expect((await patch({ name: ' padded' })).status).toBe(400);
    expect((await patch({ memory: '512GB' })).body).toMatchObject({
      errors: [{ field: 'memory' }],
    });
    expect((await patch({})).status).toBe(400);
  });

  it('answers 409 while paused and 415 without JSON', async () => {
    const token = await api.token();
    const { id } = aura.addInstance({ name: 'napping', status: 'paused' });
    const body = { name: 'renamed' };
    expect((await api.call('PATCH', `/instances/${id}`, { token, body })).status).toBe(409);
    const plain = await api.call('PATCH', `/instances/${id}`, {
      token,
      body,
      contentType: 'text/plain',
    });
    expect(plain.status).toBe(415);
  });
});
