import { describe, expect, it } from 'vitest';
import {
  type AuraMock,
  type AuraMockOptions,
  createAuraMock,
  createTestClock,
} from '../../src/testing/index.js';

const BASE = 'https://api.neo4j.io';
const PROJECT = '/v2beta1/organizations/org-1/projects/tenant-1';
const SPEC = {
  name: 'shared-1',
  type: 'business-critical',
  cloud_provider: 'gcp',
  region: 'europe-west1',
  memory: '2GB',
  multi_database: true,
};

/** Talks to the fake through `handle`, no HTTP in between. */
function client(fake: AuraMock) {
  let token: string | undefined;
  const call = async (method: string, path: string, body?: unknown) => {
    if (!token) {
      const answer = await fake.handle(
        new Request(`${BASE}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${btoa('test-client-id:test-client-secret')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        }),
      );
      token = ((await answer.json()) as { access_token: string }).access_token;
    }
    const response = await fake.handle(
      new Request(`${BASE}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: answers are read by shape, asserted field by field
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  return { call };
}

/** A fake with one running multi-database instance of `memory`. */
async function withInstance(memory = '2GB', options: AuraMockOptions = {}) {
  const clock = createTestClock();
  const fake = createAuraMock({ clock, ...options });
  const api = client(fake);
  const created = await api.call('POST', `${PROJECT}/instances`, { ...SPEC, memory });
  expect(created.status).toBe(202);
  await clock.advance(90_000);
  const id = created.body.data.id as string;
  const databases = `${PROJECT}/instances/${id}/databases`;
  return { clock, fake, api, id, databases };
}

describe('v2beta1 databases in the fake', () => {
  it('starts a multi-database instance with neo4j, named as default_database_id', async () => {
    const clock = createTestClock();
    const fake = createAuraMock({ clock });
    const created = await client(fake).call('POST', `${PROJECT}/instances`, SPEC);
    expect(created.body.data.multi_database).toBe(true);
    expect(created.body.data.password).toMatch(/\S{20,}/);
    const [neo4j] = fake.databases(created.body.data.id);
    expect(neo4j?.name).toBe('neo4j');
    expect(created.body.data.default_database_id).toBe(neo4j?.id);
  });

  it('plays a default database Aura named, its id in the create answer or not', async () => {
    for (const defaultDatabaseIdInAnswer of [true, false]) {
      const fake = createAuraMock({
        clock: createTestClock(),
        defaultDatabaseName: 'assigned',
        defaultDatabaseIdInAnswer,
      });
      const created = await client(fake).call('POST', `${PROJECT}/instances`, SPEC);
      const [only, ...rest] = fake.databases(created.body.data.id);
      expect(rest).toEqual([]);
      expect(only).toMatchObject({ name: '293fd870', isDefault: true });
      expect(created.body.data.default_database_id).toBe(
        defaultDatabaseIdInAnswer ? only?.id : undefined,
      );
    }
  });

  it('holds 5 databases per GB, neo4j counted: a 2GB instance takes 9 more, then refuses', async () => {
    const { api, databases, fake, id } = await withInstance('2GB');
    for (let i = 0; i < 9; i++) {
      expect((await api.call('POST', databases, { name: `db-${i}` })).status).toBe(202);
    }
    const full = await api.call('POST', databases, { name: 'one-too-many' });
    expect(full.status).toBe(400);
    expect(full.body.errors[0].reason).toBe('database-limit-reached');
    expect(fake.databases(id)).toHaveLength(10);
  });

  it('caps an instance at 100 databases whatever its memory', async () => {
    const { api, databases } = await withInstance('32GB');
    for (let i = 0; i < 99; i++) await api.call('POST', databases, { name: `db-${i}` });
    expect((await api.call('POST', databases, { name: 'db-100' })).status).toBe(400);
    expect((await api.call('GET', databases)).body.data).toHaveLength(100);
  });

  it('refuses to delete the default database whatever its name, with databases Aura names too', async () => {
    const { api, databases, fake, id } = await withInstance('2GB', {
      databaseNaming: 'auto',
      defaultDatabaseName: 'assigned',
    });
    const made = await api.call('POST', databases, {});
    const [own, other] = fake.databases(id);
    expect([own?.isDefault, other?.isDefault, other?.id]).toEqual([true, false, made.body.data.id]);
    expect(other?.name).toMatch(/^[0-9a-f]{8}$/);
    expect(other?.name).not.toBe(own?.name);
    const refused = await api.call('DELETE', `${databases}/${own?.id}`);
    expect([refused.status, refused.body.errors[0].reason]).toEqual([400, 'invalid-request']);
    expect((await api.call('DELETE', `${databases}/${other?.id}`)).status).toBe(202);
    expect(fake.databases(id)).toEqual([own]);
  });

  it('refuses to delete neo4j and deletes any other database', async () => {
    const { api, databases, fake, id } = await withInstance();
    const neo4j = fake.databases(id)[0];
    expect((await api.call('DELETE', `${databases}/${neo4j?.id}`)).status).toBe(400);
    const made = await api.call('POST', databases, { name: 'app-one' });
    expect((await api.call('DELETE', `${databases}/${made.body.data.id}`)).status).toBe(202);
    expect(fake.databases(id).map((db) => db.name)).toEqual(['neo4j']);
    expect((await api.call('GET', `${databases}/${made.body.data.id}`)).status).toBe(404);
  });

  it.each([
    ['ab', 'too short'],
    ['9lives', 'starts with a digit'],
    ['under_score', 'has an underscore'],
    [`a${'b'.repeat(63)}`, '64 characters'],
    ['émile', 'not ASCII'],
  ])('refuses the name %j (%s) with 400', async (name) => {
    const { api, databases } = await withInstance();
    const answer = await api.call('POST', databases, { name });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].field).toBe('name');
  });

  it('answers 409 to a duplicate name, compared case-insensitively', async () => {
    const { api, databases } = await withInstance();
    expect((await api.call('POST', databases, { name: 'App.One' })).status).toBe(202);
    expect((await api.call('POST', databases, { name: 'app.one' })).status).toBe(409);
    expect((await api.call('POST', databases, { name: 'NEO4J' })).status).toBe(409);
  });

  it('shows a database creating, then online after databaseCreationTimeMs', async () => {
    const { api, clock, databases } = await withInstance('2GB', { databaseCreationTimeMs: 3_000 });
    const made = await api.call('POST', databases, { name: 'app-one' });
    expect(made.body.data.status).toBe('creating');
    await clock.advance(3_000);
    expect((await api.call('GET', `${databases}/${made.body.data.id}`)).body.data.status).toBe(
      'online',
    );
  });

  it('refuses databases in an instance created without multi_database', async () => {
    const { api, clock } = await withInstance();
    const single = await api.call('POST', `${PROJECT}/instances`, {
      ...SPEC,
      name: 'single',
      multi_database: false,
    });
    await clock.advance(90_000);
    const path = `${PROJECT}/instances/${single.body.data.id}/databases`;
    expect((await api.call('POST', path, { name: 'app-one' })).status).toBe(400);
  });

  it('refuses a create body with v1 fields, and multi_database on professional-db', async () => {
    const { api } = await withInstance();
    const v1 = await api.call('POST', `${PROJECT}/instances`, { ...SPEC, version: '5' });
    expect(v1.status).toBe(400);
    const tier = await api.call('POST', `${PROJECT}/instances`, {
      ...SPEC,
      type: 'professional-db',
    });
    expect(tier.status).toBe(400);
  });

  it('answers 404 for an unknown organization or a project outside it', async () => {
    const fake = createAuraMock({ clock: createTestClock() });
    const api = client(fake);
    expect((await api.call('GET', '/v2beta1/organizations/nope/projects')).status).toBe(404);
    expect(
      (await api.call('GET', '/v2beta1/organizations/org-1/projects/nope/instances')).status,
    ).toBe(404);
  });

  it('counts v1 and v2beta1 requests in one rate-limit window', async () => {
    const fake = createAuraMock({
      clock: createTestClock(),
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    const api = client(fake);
    expect((await api.call('GET', '/v1/tenants')).status).toBe(200);
    expect((await api.call('GET', '/v2beta1/organizations')).status).toBe(200);
    expect((await api.call('GET', '/v2beta1/organizations')).status).toBe(429);
  });

  it('applies faults to v2beta1 paths, matched by a path with the prefix', async () => {
    const { api, databases, fake } = await withInstance();
    fake.faults.failNext(1, { status: 503, match: { path: /\/databases$/ } });
    expect((await api.call('GET', `${PROJECT}/instances`)).status).toBe(200);
    expect((await api.call('GET', databases)).status).toBe(503);
    expect((await api.call('GET', databases)).status).toBe(200);
  });
});
