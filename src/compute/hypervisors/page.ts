// limit/marker paging as Nova does it: the page after the marker, and a `next` link when the
// page is full (the client follows it until a page comes back short).
import { badRequest } from '../../platform/errors.js';

export interface PageQuery { limit?: number; marker?: string }

/** Reads `limit` and `marker` from a query string; a limit must be a non-negative integer. */
export function pageQuery(query: Record<string, unknown>): PageQuery {
  const out: PageQuery = {};
  const limit = first(query.limit);
  if (limit !== undefined) {
    if (!/^\d{1,9}$/.test(limit)) throw badRequest(`Invalid input for query parameters limit. Value: ${limit}. It must be a non-negative integer.`);
    out.limit = Number(limit);
  }
  const marker = first(query.marker);
  if (marker !== undefined) out.marker = marker;
  return out;
}

export const first = (v: unknown): string | undefined => (Array.isArray(v) ? first(v[v.length - 1]) : typeof v === 'string' ? v : undefined);

/** The items after `marker` (by `idOf`), at most `limit`; an unknown marker is a 400. */
export function page<T>(items: T[], q: PageQuery, idOf: (item: T) => string): { items: T[]; next?: string } {
  let start = 0;
  if (q.marker !== undefined) {
    const at = items.findIndex((i) => idOf(i) === q.marker);
    if (at < 0) throw badRequest(`marker [${q.marker}] not found`);
    start = at + 1;
  }
  if (q.limit === undefined) return { items: items.slice(start) };
  const slice = items.slice(start, start + q.limit);
  const full = q.limit > 0 && slice.length === q.limit;
  return { items: slice, ...(full ? { next: idOf(slice[slice.length - 1]!) } : {}) };
}

/** Nova's `<collection>_links`: one `next` link carrying the same query with the new marker. */
export function nextLinks(base: string, query: Record<string, unknown>, next: string | undefined): { href: string; rel: 'next' }[] | undefined {
  if (next === undefined) return undefined;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    const value = first(v);
    if (k !== 'marker' && value !== undefined) params.set(k, value);
  }
  params.set('marker', next);
  return [{ href: `${base}?${params.toString()}`, rel: 'next' }];
}
