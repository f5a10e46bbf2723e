import type { RequestContext } from '../../errors/base.js';
import { AuraInvalidResponseError } from '../../errors/transport.js';

/** Where a page says the list goes on. */
export type NextPage = { done: true } | { done: false; token: string } | { unreadable: string };

/**
 * Reads `links.next` of a page. The format is not documented: a URL (absolute
 * or a path) carrying `page_token`, or the bare token. No `next` (or an empty
 * one) ends the list; a link without a token is unreadable, never "done":
 * stopping early would hide instances from a name lookup.
 *
 * @example
 * ```ts
 * nextPage({ next: '/v2beta1/organizations/o/projects/p/instances?page_token=abc' }); // { done: false, token: 'abc' }
 * nextPage({ next: null }); // { done: true }
 * ```
 */
export function nextPage(links: unknown): NextPage {
  if (links === undefined || links === null) return { done: true };
  if (typeof links !== 'object') return { unreadable: 'links must be an object' };
  const next = (links as { next?: unknown }).next;
  if (next === undefined || next === null || next === '') return { done: true };
  if (typeof next !== 'string') return { unreadable: 'links.next must be a string' };
  const value = next.trim();
  if (!/^(https?:\/\/|\/|\?)/i.test(value)) return { done: false, token: value };
  let token: string | null = null;
  try {
    token = new URL(value, 'https://api.neo4j.io').searchParams.get('page_token');
  } catch {
    // An unparsable link is as bad as one without a token.
  }
  return token ? { done: false, token } : { unreadable: 'links.next carries no page_token' };
}

/** One page as a lister fetches it. */
export interface Page<T> {
  items: T[];
  links: unknown;
  context: RequestContext;
}

/**
 * Walks a cursor-paginated list page by page, following `links.next` until it
 * ends. A repeated token or an unreadable link throws `AuraInvalidResponseError`
 * rather than looping or silently stopping.
 *
 * @example
 * ```ts
 * for await (const page of paginate((token) => fetchPage(token))) console.log(page.length);
 * ```
 */
export async function* paginate<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T[], void, undefined> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    yield page.items;
    const next = nextPage(page.links);
    if ('unreadable' in next) throw invalid(next.unreadable, page.context);
    if (next.done) return;
    if (seen.has(next.token)) throw invalid('links.next repeats an earlier page', page.context);
    seen.add(next.token);
    token = next.token;
  }
}

const invalid = (message: string, request: RequestContext) =>
  new AuraInvalidResponseError([{ path: 'links.next', message }], { request });
