import { afterEach, describe, expect, it } from 'vitest';
import { AuraClient, AuraNotFoundError } from '../../../src/aura/index.js';
import { createAuraMock, type LoopbackServer } from '../../../src/testing/index.js';
import {
  CREDENTIALS,
  INSTANCE_SPEC,
  rejectionOf,
  requestsBreakingTheContract,
  summary,
  TENANT_ID,
} from './setup.js';

// No MSW and no test clock here: the client talks real HTTP to 127.0.0.1, on the system clock.
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('over real HTTP (loopback server)', () => {
  it('creates, gets and deletes an instance', async () => {
    const fake = createAuraMock({ creationTimeMs: 0, transitionMs: { destroying: 0 } });
    server = await fake.listen();
    const aura = new AuraClient({ ...CREDENTIALS, tenantId: TENANT_ID, baseUrl: server.url });

    const created = await aura.instances.create(INSTANCE_SPEC);
    expect(created.password.reveal()).toBe(fake.instance(created.id)?.password);
    const instance = await aura.instances.get(created.id);
    expect(instance).toMatchObject({ id: created.id, name: INSTANCE_SPEC.name, status: 'running' });
    await aura.instances.delete(created.id);
    expect(await rejectionOf(aura.instances.get(created.id))).toBeInstanceOf(AuraNotFoundError);

    expect(summary(fake.requests)).toEqual([
      'POST /oauth/token 200',
      'POST /v1/instances 202',
      `GET /v1/instances/${created.id} 200`,
      `DELETE /v1/instances/${created.id} 202`,
      `GET /v1/instances/${created.id} 404`,
    ]);
    expect(requestsBreakingTheContract(fake)).toEqual([]);
  });
});
