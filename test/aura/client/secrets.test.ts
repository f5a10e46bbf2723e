import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuraClient, AuraNetworkError } from '../../../src/aura/index.js';
import { basicCredentials, createSecretCapture } from './secret-capture.js';
import {
  CREDENTIALS,
  type Harness,
  type HarnessOptions,
  INSTANCE_SPEC,
  TENANT_ID,
  useAuraFake,
} from './setup.js';

const { server, setup } = useAuraFake();

const WRONG_SECRET = 'wrong-secret-9f8e7d6c5b4a';
const LIST_TENANTS = { method: 'GET', path: '/tenants' };
const TOKEN = { path: '/oauth/token' };
const CREATE = { method: 'POST', path: '/instances' };
const MINUTE = 60_000;

const capture = createSecretCapture();

/** Runs `promise` to its failure and records every rendering of the error. */
async function failure(where: string, { run }: Harness, promise: Promise<unknown>) {
  const outcome = await run(promise).then(
    () => ({ failed: false }),
    (error: unknown) => ({ failed: true, error }),
  );
  expect(outcome.failed, `${where} should fail`).toBe(true);
  capture.noteError(where, 'error' in outcome ? outcome.error : undefined);
}

const scenarios: { name: string; options?: HarnessOptions; run: (h: Harness) => Promise<void> }[] =
  [];
const scenario = (name: string, options: HarnessOptions, run: (h: Harness) => Promise<void>) =>
  scenarios.push({ name, options, run });

scenario('success paths', { fake: { creationTimeMs: 0 } }, async ({ aura, clock, run }) => {
  await run(aura.tenants.list());
  await run(aura.tenants.get());
  const created = await run(aura.instances.create(INSTANCE_SPEC));
  capture.note('created JSON', JSON.stringify(created));
  capture.note('created inspect', inspect(created, { depth: 5 }));
  const running = await run(aura.instances.waitUntilRunning(created.id));
  capture.note('running inspect', inspect(running));
  await run(aura.instances.findByName(INSTANCE_SPEC.name));
  await run(aura.instances.update(created.id, { memory: '2GB' }));
  await clock.advance(5_000);
  const { snapshotId } = await run(aura.snapshots.create(created.id));
  await clock.advance(30_000);
  capture.note('snapshot', inspect(await run(aura.snapshots.get(created.id, snapshotId))));
  await run(aura.instances.pause(created.id));
  await clock.advance(30_000);
  await run(aura.instances.delete(created.id));
  capture.note('client JSON', JSON.stringify(aura));
  capture.note('client inspect', inspect(aura, { depth: 5 }));
  capture.note('resources', inspect([aura.instances, aura.tenants, aura.snapshots], { depth: 5 }));
});

scenario('token refreshed, and replayed after a 403', {}, async ({ aura, clock, fake, run }) => {
  await run(aura.tenants.list());
  await clock.advance(59 * MINUTE + 1);
  await run(aura.tenants.list());
  fake.expireTokens();
  await run(aura.tenants.list());
});

scenario('token and permission failures', { client: { retry: { limit: 0 } } }, async (h) => {
  // Token failures first, while no token is cached.
  h.fake.faults.dropConnectionNext(1, { match: TOKEN });
  await failure('token dropped', h, h.aura.tenants.list());
  h.fake.faults.failNext(1, { status: 503, match: TOKEN });
  await failure('token 503', h, h.aura.tenants.list());
  h.fake.faults.timeoutNext(1, { match: TOKEN });
  await failure('token timeout', h, h.aura.tenants.list());
  h.fake.faults.failNext(2, { status: 403, match: LIST_TENANTS });
  await failure('403', h, h.aura.tenants.list());
});

scenario('a wrong client secret', { client: { clientSecret: WRONG_SECRET } }, async (h) => {
  await failure('wrong secret', h, h.aura.tenants.list());
});

scenario('requests refused before sending', { client: { tenantId: undefined } }, async (h) => {
  const create = (change: object) => h.aura.instances.create({ ...INSTANCE_SPEC, ...change });
  await failure('empty name', h, create({ name: '', tenantId: TENANT_ID }));
  await failure('memory', h, create({ memory: '1gb', tenantId: TENANT_ID }));
  const construct = async () => new AuraClient({ ...CREDENTIALS, clientId: '' });
  await failure('bad options', h, construct());
});

scenario(
  'no tenant to default to',
  {
    client: { tenantId: undefined },
    fake: {
      tenants: [
        { id: 't-a', name: 'A' },
        { id: 't-b', name: 'B' },
      ],
    },
  },
  async (h) => {
    await failure('several tenants', h, h.aura.instances.create(INSTANCE_SPEC));
  },
);

scenario('answers that break the contract', {}, async (h) => {
  h.fake.faults.malformedNext(1, { variant: 'wrong-shape' });
  await failure('wrong shape', h, h.aura.tenants.list());
  h.fake.faults.malformedNext(1, { variant: 'not-json' });
  await failure('not json', h, h.aura.tenants.list());
});

scenario('waits that fail', { fake: { notFoundAfterCreateMs: 5 * MINUTE } }, async (h) => {
  const { aura, fake } = h;
  const created = await h.run(aura.instances.create(INSTANCE_SPEC));
  await failure('wait not found', h, aura.instances.waitUntilRunning(created.id));
  const broken = fake.addInstance({ name: 'failed', status: 'loading failed' });
  await failure('wait failed', h, aura.instances.waitUntilRunning(broken.id));
  const { id } = fake.addInstance({ name: 'slow', status: 'creating' });
  await failure('wait timeout', h, aura.instances.waitUntilRunning(id, { timeoutMs: MINUTE }));
  const signal = AbortSignal.abort();
  await failure('wait abort', h, aura.instances.waitUntilRunning(id, { signal }));
});

scenario('retries that give up', { client: { retry: { limit: 1 } } }, async (h) => {
  const { aura, fake } = h;
  fake.faults.failNext(1, { status: 429, retryAfter: 3_600, match: LIST_TENANTS });
  await failure('429 over ceiling', h, aura.tenants.list());
  await h.clock.advance(61 * MINUTE);
  for (const status of [503, 500, 400, 409, 402]) {
    fake.faults.failNext(2, { status, match: LIST_TENANTS });
    await failure(`status ${status}`, h, aura.tenants.list());
    fake.faults.clear();
  }
  fake.faults.dropConnectionNext(2, { match: LIST_TENANTS });
  await failure('dropped', h, aura.tenants.list());
  fake.faults.timeoutNext(2, { match: LIST_TENANTS });
  await failure('timed out', h, aura.tenants.list());
});

scenario('creates with unknown or refused outcomes', { fake: { instanceLimit: 2 } }, async (h) => {
  const { aura, fake } = h;
  fake.faults.failNext(1, { status: 503, match: CREATE });
  await failure('create 503', h, aura.instances.create(INSTANCE_SPEC));
  fake.faults.createSucceedsThenTimeout(1);
  await failure('create timeout', h, aura.instances.create(INSTANCE_SPEC));
  fake.faults.dropConnectionNext(1, { match: CREATE });
  await failure('create dropped', h, aura.instances.create(INSTANCE_SPEC));
  fake.faults.failNext(1, { status: 400, match: CREATE });
  await failure('create billing', h, aura.instances.create(INSTANCE_SPEC));
  await h.run(aura.instances.create({ ...INSTANCE_SPEC, name: 'second' }));
  await failure('create limit', h, aura.instances.create({ ...INSTANCE_SPEC, name: 'third' }));
});

scenario('aborted calls', {}, async (h) => {
  const { aura, clock, fake } = h;
  const abortSoon = () => {
    const controller = new AbortController();
    void clock.sleep(1_000).then(() => controller.abort());
    return controller.signal;
  };
  fake.faults.timeoutNext(1, { match: LIST_TENANTS });
  await failure('abort in flight', h, aura.tenants.list({ signal: abortSoon() }));
  fake.faults.failNext(1, { status: 503, retryAfter: 30, match: LIST_TENANTS });
  await failure('abort in retry', h, aura.tenants.list({ signal: abortSoon() }));
  fake.faults.createSucceedsThenTimeout(1);
  await failure('abort create', h, aura.instances.create(INSTANCE_SPEC, { signal: abortSoon() }));
});

scenario('error bodies of every shape', { client: { retry: { limit: 0 } } }, async (h) => {
  const page = '<html><body>Bad gateway</body></html>';
  server.use(
    http.get(`${h.fake.baseUrl}/v1/instances`, () => HttpResponse.html(page, { status: 502 })),
  );
  await failure('html body', h, h.aura.instances.list());
  h.fake.faults.failNext(1, { status: 502, body: { error: 'upstream' }, match: LIST_TENANTS });
  await failure('error body', h, h.aura.tenants.list());
});

describe('secrets', () => {
  it('appear in no log line, error rendering, client or instance rendering', async () => {
    for (const { name, options = {}, run } of scenarios) {
      const h = setup({
        fake: options.fake,
        client: { fetch: capture.fetch, logger: capture.logger, ...options.client },
      });
      await run(h).catch((error: unknown) => {
        throw new Error(`scenario "${name}" broke`, { cause: error });
      });
      capture.notePasswords(h.fake);
    }
    const wrong = [WRONG_SECRET, basicCredentials(CREDENTIALS.clientId, WRONG_SECRET)];
    expect(capture.leaks(wrong)).toEqual([]);
    // Not vacuous: secrets were issued, errors thrown and lines logged.
    expect(capture.tokens.length).toBeGreaterThanOrEqual(10);
    expect(capture.passwords.length).toBeGreaterThanOrEqual(4);
    expect(capture.errors).toBeGreaterThanOrEqual(30);
    expect(capture.texts.filter((t) => t.where === 'log.debug').length).toBeGreaterThan(20);
    expect(capture.texts.some((t) => t.where === 'log.warn')).toBe(true);
    expect(capture.texts.some((t) => t.text.includes('[REDACTED]'))).toBe(true);
  });

  it('stay out of a network error of the token request, cause chain included', async () => {
    const h = setup({ client: { retry: { limit: 0 } } });
    h.fake.faults.dropConnectionNext(1, { match: TOKEN });
    const error = await h.run(h.aura.tenants.list()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuraNetworkError);
    const rendered = inspect(error, { depth: 10 });
    expect(rendered).toContain('fetch failed');
    expect(rendered).not.toContain(
      basicCredentials(CREDENTIALS.clientId, CREDENTIALS.clientSecret),
    );
  });

  it('stay out of a network error of an API request, cause chain included', async () => {
    const own = createSecretCapture();
    const h = setup({ client: { retry: { limit: 0 }, fetch: own.fetch } });
    h.fake.faults.dropConnectionNext(1, { match: LIST_TENANTS });
    const error = await h.run(h.aura.tenants.list()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuraNetworkError);
    expect(own.tokens).toHaveLength(1);
    expect(inspect(error, { depth: 10 })).not.toContain(own.tokens[0]);
  });
});
