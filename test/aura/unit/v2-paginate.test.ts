import { describe, expect, it } from 'vitest';
import { AuraInvalidResponseError } from '../../../src/aura/index.js';
import { nextPage, paginate } from '../../../src/aura/resources/v2/paginate.js';

describe('nextPage', () => {
  it.each([
    [undefined, { done: true }],
    [null, { done: true }],
    [{}, { done: true }],
    [{ next: null }, { done: true }],
    [{ next: '' }, { done: true }],
    [
      { next: 'https://api.neo4j.io/v2beta1/x?page_limit=2&page_token=abc' },
      { done: false, token: 'abc' },
    ],
    [{ next: '/v2beta1/x?page_token=a%2Bb' }, { done: false, token: 'a+b' }],
    [{ next: '?page_token=t1' }, { done: false, token: 't1' }],
    [{ next: 'opaque-token' }, { done: false, token: 'opaque-token' }],
  ])('reads %j', (links, expected) => {
    expect(nextPage(links)).toEqual(expected);
  });

  it.each([[{ next: 'https://api.neo4j.io/v2beta1/x?page_limit=2' }], [{ next: 42 }], ['next']])(
    'calls %j unreadable rather than the end of the list',
    (links) => {
      expect(nextPage(links)).toHaveProperty('unreadable');
    },
  );
});

describe('paginate', () => {
  const context = { method: 'GET', path: '/v2beta1/x' };

  it('throws instead of looping when a page points back to an earlier one', async () => {
    const pages = paginate(async () => ({ items: [1], links: { next: 'same' }, context }));
    const seen: number[][] = [];
    await expect(async () => {
      for await (const page of pages) seen.push(page);
    }).rejects.toBeInstanceOf(AuraInvalidResponseError);
    expect(seen).toEqual([[1], [1]]);
  });

  it('throws instead of stopping early on a link without a token', async () => {
    const pages = paginate(async () => ({ items: [], links: { next: '/v2beta1/x' }, context }));
    await expect(pages.next()).resolves.toEqual({ done: false, value: [] });
    await expect(pages.next()).rejects.toBeInstanceOf(AuraInvalidResponseError);
  });
});
