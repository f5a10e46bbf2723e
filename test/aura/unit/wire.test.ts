import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/aura/secret.js';
import { toCamel, toSnake } from '../../../src/aura/wire.js';

describe('toCamel', () => {
  it('renames snake_case keys to camelCase', () => {
    expect(toCamel({ tenant_id: 't', cloud_provider: 'gcp', id: 'x' })).toEqual({
      tenantId: 't',
      cloudProvider: 'gcp',
      id: 'x',
    });
  });

  it('renames keys with several underscores and digits', () => {
    expect(toCamel({ graph_analytics_plugin: true, region_2_name: 'r' })).toEqual({
      graphAnalyticsPlugin: true,
      region2Name: 'r',
    });
  });

  it('renames inside nested objects and arrays of objects', () => {
    const wire = {
      instance_configurations: [
        { region_name: 'Belgium', cloud_provider: 'gcp' },
        { region_name: 'Ohio', cloud_provider: 'aws' },
      ],
      owner_info: { tenant_id: 't', tags_list: [['a_b'], [{ deep_key: 1 }]] },
    };
    expect(toCamel(wire)).toEqual({
      instanceConfigurations: [
        { regionName: 'Belgium', cloudProvider: 'gcp' },
        { regionName: 'Ohio', cloudProvider: 'aws' },
      ],
      ownerInfo: { tenantId: 't', tagsList: [['a_b'], [{ deepKey: 1 }]] },
    });
  });

  it('keeps and renames fields it does not know', () => {
    expect(toCamel({ id: 'x', brand_new_field: { some_value: 1 } })).toEqual({
      id: 'x',
      brandNewField: { someValue: 1 },
    });
  });

  it('leaves values alone, strings with underscores included', () => {
    expect(toCamel({ status: 'loading_failed', memory: '1GB', count: 0, flag: null })).toEqual({
      status: 'loading_failed',
      memory: '1GB',
      count: 0,
      flag: null,
    });
  });

  it('passes class instances through untouched', () => {
    const password = new Secret('hunter2');
    const created = new Date(0);
    const result = toCamel({ the_password: password, created_on: created });
    expect(result.thePassword).toBe(password);
    expect(result.thePassword.reveal()).toBe('hunter2');
    expect(result.createdOn).toBe(created);
  });

  it('does not change its input', () => {
    const wire = { tenant_id: 't', nested_list: [{ region_name: 'r' }] };
    const copy = structuredClone(wire);
    toCamel(wire);
    expect(wire).toEqual(copy);
  });
});

describe('toSnake', () => {
  it('renames camelCase keys to snake_case', () => {
    expect(toSnake({ tenantId: 't', cloudProvider: 'gcp', name: 'n' })).toEqual({
      tenant_id: 't',
      cloud_provider: 'gcp',
      name: 'n',
    });
  });

  it('renames inside nested objects and arrays', () => {
    expect(toSnake({ sourceInfo: { snapshotId: 's' }, tagList: [{ tagName: 'a' }] })).toEqual({
      source_info: { snapshot_id: 's' },
      tag_list: [{ tag_name: 'a' }],
    });
  });

  it('passes class instances through untouched', () => {
    const password = new Secret('hunter2');
    expect(toSnake({ newPassword: password }).new_password).toBe(password);
  });

  it('round-trips with toCamel', () => {
    const sdk = { vectorOptimized: true, graphAnalyticsPlugin: false, customerManagedKeyId: 'k' };
    expect(toCamel(toSnake(sdk))).toEqual(sdk);
  });
});
