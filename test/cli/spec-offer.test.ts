import { describe, expect, it } from 'vitest';
import { checkSpecOffered, describeSpec } from '../../src/cli/spec-offer.js';
import { DEFAULT_INSTANCE_CONFIGURATIONS } from '../../src/testing/index.js';

const spec = {
  type: 'professional-db',
  memory: '1GB',
  region: 'europe-west1',
  cloudProvider: 'gcp',
};

describe('checkSpecOffered', () => {
  it('accepts a spec the tenant offers', () => {
    expect(checkSpecOffered(spec, DEFAULT_INSTANCE_CONFIGURATIONS)).toEqual({ offered: true });
  });

  it('offers other sizes in the same place first, then the same type elsewhere', () => {
    const result = checkSpecOffered({ ...spec, memory: '8GB' }, DEFAULT_INSTANCE_CONFIGURATIONS);
    expect(result).toEqual({
      offered: false,
      alternatives: [
        'professional-db 1GB on gcp europe-west1',
        'professional-db 2GB on gcp europe-west1',
        'professional-db 4GB on gcp europe-west1',
        'professional-db 1GB on aws us-east-1',
        'professional-db 2GB on aws us-east-1',
        'professional-db 4GB on aws us-east-1',
        'free-db 1GB on aws us-east-1',
        'free-db 1GB on gcp europe-west1',
      ],
    });
  });

  it('treats a region in another cloud as not offered', () => {
    const result = checkSpecOffered(
      { ...spec, cloudProvider: 'aws' },
      DEFAULT_INSTANCE_CONFIGURATIONS,
    );
    expect(result.offered).toBe(false);
  });

  it('says when the tenant offers nothing', () => {
    expect(checkSpecOffered(spec, [])).toEqual({ offered: false, alternatives: [] });
  });

  it('describes a spec in one phrase', () => {
    expect(describeSpec(spec)).toBe('professional-db 1GB on gcp europe-west1');
  });
});
