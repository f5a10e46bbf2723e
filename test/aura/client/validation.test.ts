import { describe, expect, it } from 'vitest';
import {
  AuraClient,
  AuraConfigurationError,
  type CreateInstanceInput,
} from '../../../src/aura/index.js';
import { CREDENTIALS, INSTANCE_SPEC, rejectionOf, useAuraFake } from './setup.js';

const { setup } = useAuraFake();

const badSpecs: [string, Partial<CreateInstanceInput>, string][] = [
  ['an empty name', { name: '' }, 'name'],
  ['a name of 31 characters', { name: 'a'.repeat(31) }, 'name'],
  ['a name with a leading space', { name: ' user-1' }, 'name'],
  ['a name with a trailing space', { name: 'user-1 ' }, 'name'],
  ['memory "1gb"', { memory: '1gb' }, 'memory'],
  ['an unknown type', { type: 'huge-db' as CreateInstanceInput['type'] }, 'type'],
  [
    'an unknown cloud provider',
    { cloudProvider: 'ibm' as CreateInstanceInput['cloudProvider'] },
    'cloudProvider',
  ],
];

describe('requests are checked before sending', () => {
  it.each(badSpecs)('refuses %s, naming the field, and sends nothing', async (_, change, field) => {
    const { aura, fake, run } = setup();
    const error = await rejectionOf(run(aura.instances.create({ ...INSTANCE_SPEC, ...change })));
    expect(error).toBeInstanceOf(AuraConfigurationError);
    expect((error as AuraConfigurationError).issues.map((issue) => issue.path)).toEqual([field]);
    expect(error.message).toContain(field);
    expect(fake.requests).toEqual([]);
  });

  it('accepts a name of exactly 30 characters', async () => {
    const { aura, fake, run } = setup();
    await run(aura.instances.create({ ...INSTANCE_SPEC, name: 'a'.repeat(30) }));
    expect(fake.instances.map((instance) => instance.name)).toEqual(['a'.repeat(30)]);
  });

  it('refuses an update with nothing to change, sending nothing', async () => {
    const { aura, fake, run } = setup();
    const { id } = fake.addInstance({ name: 'unchanged' });
    const error = await rejectionOf(run(aura.instances.update(id, {})));
    expect(error).toBeInstanceOf(AuraConfigurationError);
    expect(fake.requests).toEqual([]);
  });

  it('refuses an empty instance id, sending nothing', async () => {
    const { aura, fake, run } = setup();
    const error = await rejectionOf(run(aura.instances.get('')));
    expect((error as AuraConfigurationError).issues.map((issue) => issue.path)).toEqual([
      'instanceId',
    ]);
    expect(fake.requests).toEqual([]);
  });
});

describe('client options are checked on construction', () => {
  it('refuses an empty client secret, naming the option', () => {
    const error = (() => {
      try {
        new AuraClient({ ...CREDENTIALS, clientSecret: '' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AuraConfigurationError);
    expect((error as AuraConfigurationError).issues.map((issue) => issue.path)).toEqual([
      'clientSecret',
    ]);
  });
});
