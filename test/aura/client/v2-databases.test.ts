import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuraBadRequestError,
  AuraConflictError,
  AuraDatabaseCreateOutcomeUnknownError,
  AuraTimeoutError,
  AuraV2,
  isAuraError,
  type Logger,
} from '../../../src/aura/index.js';
import { CREDENTIALS, type HarnessOptions, rejectionOf, summary, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const PROJECT = '/v2beta1/organizations/org-1/projects/tenant-1';
const DATABASE_CREATE = { method: 'POST', path: /\/databases$/ };

/** A client, a fake and one running multi-database instance (2GB: 10 databases). */
async function withSharedInstance(options: HarnessOptions = {}) {
  const harness = setup(options);
  const project = new AuraV2(harness.aura).project('org-1', 'tenant-1');
  const created = await harness.run(
    project.instances.create({
      name: 'shared-1',
      type: 'business-critical',
      memory: '2GB',
      region: 'europe-west1',
      cloudProvider: 'gcp',
      multiDatabase: true,
    }),
  );
  await harness.clock.advance(90_000);
  const databaseRequests = () =>
    harness.fake.requests.filter((r) => r.path === `${PROJECT}/instances/${created.id}/databases`);
  return { ...harness, project, instanceId: created.id, created, databaseRequests };
}

describe('AuraV2 databases (v2beta1)', () => {
  it('creates, lists, gets and deletes a database', async () => {
    const { instanceId, project, run, clock } = await withSharedInstance();
    const made = await run(project.databases.create(instanceId, 'app-u0001'));
    expect(made).toMatchObject({ name: 'app-u0001', status: 'creating' });
    await clock.advance(5_000);
    expect((await run(project.databases.get(instanceId, made.id))).status).toBe('online');
    const names = (await run(project.databases.list(instanceId))).map((db) => db.name);
    expect(names).toEqual(['neo4j', 'app-u0001']);
    await run(project.databases.delete(instanceId, made.id));
    expect((await run(project.databases.list(instanceId))).map((db) => db.name)).toEqual(['neo4j']);
  });

  it('findByName matches case-insensitively, as Neo4j compares names', async () => {
    const { instanceId, project, run } = await withSharedInstance();
    const made = await run(project.databases.create(instanceId, 'App-One'));
    const found = await run(project.databases.findByName(instanceId, 'app-one'));
    expect(found.map((db) => db.id)).toEqual([made.id]);
    expect(await run(project.databases.findByName(instanceId, 'app-two'))).toEqual([]);
  });

  it('turns a create that succeeded but timed out into AuraDatabaseCreateOutcomeUnknownError; findByName finds it', async () => {
    const { fake, instanceId, project, run, databaseRequests } = await withSharedInstance({
      client: { timeoutMs: 5_000 },
    });
    fake.faults.createSucceedsThenTimeout(1, { match: DATABASE_CREATE });
    const error = await rejectionOf(run(project.databases.create(instanceId, 'app-u0002')));
    expect(error).toBeInstanceOf(AuraDatabaseCreateOutcomeUnknownError);
    const unknown = error as AuraDatabaseCreateOutcomeUnknownError;
    expect(isAuraError(error, 'create_outcome_unknown')).toBe(true);
    expect(unknown).toMatchObject({
      databaseName: 'app-u0002',
      instanceId,
      mayHaveBeenCreated: true,
    });
    expect(unknown.cause).toBeInstanceOf(AuraTimeoutError);
    expect(unknown.message).toContain('match the name');
    expect(databaseRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
    const found = await run(project.databases.findByName(instanceId, unknown.databaseName));
    expect(found.map((db) => db.name)).toEqual(['app-u0002']);
  });

  it('retries a database create refused with 429, then succeeds once', async () => {
    const { fake, instanceId, project, run, databaseRequests } = await withSharedInstance();
    fake.faults.failNext(1, { status: 429, retryAfter: 2, match: DATABASE_CREATE });
    await run(project.databases.create(instanceId, 'app-u0003'));
    expect(summary(databaseRequests())).toEqual([
      `POST ${PROJECT}/instances/${instanceId}/databases 429`,
      `POST ${PROJECT}/instances/${instanceId}/databases 202`,
    ]);
    expect(fake.databases(instanceId).map((db) => db.name)).toEqual(['neo4j', 'app-u0003']);
  });

  it('does not retry a database create that answered 5xx', async () => {
    const { fake, instanceId, project, run, databaseRequests } = await withSharedInstance();
    fake.faults.failNext(1, { status: 502, match: DATABASE_CREATE });
    const error = await rejectionOf(run(project.databases.create(instanceId, 'app-u0004')));
    expect(error).toBeInstanceOf(AuraDatabaseCreateOutcomeUnknownError);
    expect((error as AuraDatabaseCreateOutcomeUnknownError).status).toBe(502);
    expect(databaseRequests()).toHaveLength(1);
  });

  it('retries GETs on 503 as v1 does', async () => {
    const { fake, instanceId, project, run, databaseRequests } = await withSharedInstance();
    fake.faults.failNext(2, { status: 503, match: { method: 'GET', path: /\/databases$/ } });
    expect(await run(project.databases.list(instanceId))).toHaveLength(1);
    expect(databaseRequests().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives typed errors for a duplicate (409) and a bad name (checked before sending)', async () => {
    const { instanceId, project, run, databaseRequests } = await withSharedInstance();
    await run(project.databases.create(instanceId, 'app-dup'));
    const duplicate = await rejectionOf(run(project.databases.create(instanceId, 'APP-DUP')));
    expect(duplicate).toBeInstanceOf(AuraConflictError);
    const sent = databaseRequests().length;
    const bad = await rejectionOf(run(project.databases.create(instanceId, '9-lives')));
    expect(isAuraError(bad, 'invalid_configuration')).toBe(true);
    expect(databaseRequests()).toHaveLength(sent);
  });

  it('answers the capacity limit with AuraBadRequestError', async () => {
    const { instanceId, project, run } = await withSharedInstance();
    for (let i = 1; i < 10; i++) await run(project.databases.create(instanceId, `db-${i}`));
    const full = await rejectionOf(run(project.databases.create(instanceId, 'db-10')));
    expect(full).toBeInstanceOf(AuraBadRequestError);
  });

  it('puts no password, token or client secret in errors or logs', async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) => {
      lines.push(`${message} ${JSON.stringify(fields)}`);
    };
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const { fake, instanceId, project, run, created } = await withSharedInstance({
      client: { logger, timeoutMs: 5_000 },
    });
    fake.faults.createSucceedsThenTimeout(1, { match: DATABASE_CREATE });
    fake.faults.failNext(1, { status: 503, match: { method: 'POST', path: /\/instances$/ } });
    const errors = [
      await rejectionOf(run(project.databases.create(instanceId, 'app-u0005'))),
      await rejectionOf(
        run(
          project.instances.create({
            name: 'shared-2',
            type: 'business-critical',
            memory: '2GB',
            region: 'europe-west1',
            cloudProvider: 'gcp',
            multiDatabase: true,
          }),
        ),
      ),
    ];
    const texts = [
      ...lines,
      ...errors.flatMap((e) => [e.message, String(e), JSON.stringify(e), inspect(e, { depth: 9 })]),
      inspect(project, { depth: 9 }),
      JSON.stringify(created),
    ];
    const secrets = [
      created.password.reveal(),
      CREDENTIALS.clientSecret,
      ...fake.instances.map((i) => i.password),
    ];
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(texts.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
