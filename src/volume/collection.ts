// Cinder's list machinery, shared by /volumes, /snapshots, /backups…: the query's filters apart from
// its paging parameters, `sort` (`key[:dir],…`) or the older `sort_key`/`sort_dir`, `limit` (at most
// 1000, Cinder's osapi_max_limit), `marker`, `offset`, and the `<collection>_links` next link.
// Sorting and paging run in memory over rows already filtered by project in SQL: a project holds
// thousands of volumes at most, and in memory NULLs sort the same on SQLite and PostgreSQL.
//
// Use:
//   const q = req.query as Query;
//   const paging = parsePaging(q, SORT_KEYS);                        // 400s for bad sort/limit/offset
//   const { items, next } = pageRows(rows, paging, { value, notFound: notFound.volume });
//   return { volumes: views, ...nextLinks(req, publicUrl, 'volumes', next) };
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../platform/errors.js';
import { compareVersions, type ApiVersion } from '../platform/http/microversion.js';
import { badRequest } from './common.js';

export type Query = Record<string, string | string[] | undefined>;

/** Cinder's osapi_max_limit: no page is longer. */
export const MAX_LIMIT = 1000;

/** Query parameters that are paging, not filters. */
export const PAGING_PARAMS: ReadonlySet<string> = new Set(['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'with_count']);

/** The last value of a query parameter (a repeated one counts once, as webob's GET does). */
export function one(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** The query's parameters that are not paging ones (single values), for the resource to read as filters. */
export function filtersOf(q: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(q)) {
    const v = one(q, key);
    if (!PAGING_PARAMS.has(key) && v !== undefined) out[key] = v;
  }
  return out;
}

/** Cinder checks filter names from 3.33 (resource filters) and accepts `key~` (like) from 3.34. */
const RESOURCE_FILTER: ApiVersion = { major: 3, minor: 33 };
const LIKE_FILTER: ApiVersion = { major: 3, minor: 34 };

/**
 * Cinder's filter-name check (`reject_invalid_filters`): from 3.33 a non-admin naming a filter not
 * in `allowed` (Cinder's resource_filters.json) gets 400 "Invalid filters x are found in query
 * options."; before 3.33 unknown ones are dropped silently. Admins may filter on anything.
 * `all_tenants` is always let through (the client sends it). From 3.34 `key~` is allowed for each
 * allowed key (a like filter). Returns the filters to apply.
 */
export function checkFilterNames(filters: Record<string, string>, allowed: readonly string[],
  opts: { admin: boolean; version: ApiVersion }): Record<string, string> {
  if (opts.admin) return filters;
  const checked = compareVersions(opts.version, RESOURCE_FILTER) >= 0;
  const like = compareVersions(opts.version, LIKE_FILTER) >= 0;
  const ok = (key: string) => key === 'all_tenants' || allowed.includes(key) || (like && key.endsWith('~') && allowed.includes(key.slice(0, -1)));
  const bad = Object.keys(filters).filter((k) => !ok(k));
  if (checked && bad.length) throw badRequest(`Invalid filters ${bad.join(',')} are found in query options.`);
  return Object.fromEntries(Object.entries(filters).filter(([k]) => ok(k)));
}

export type SortDir = 'asc' | 'desc';

export interface Paging {
  /** The asked keys (API names, already checked against the resource's sortable keys), then created_at and id. */
  sort: Array<{ key: string; dir: SortDir }>;
  /** At most MAX_LIMIT; a next link follows a full page when more rows remain. */
  limit: number;
  marker: string | undefined;
  offset: number;
  /** `with_count=true` (3.45+): the caller wants the filtered total in `count`. */
  withCount: boolean;
}

function int(raw: string, message: string): number {
  if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest(message);
  return Number(raw);
}

/**
 * Reads `sort`/`sort_key`/`sort_dir`, `limit`, `marker`, `offset` and `with_count` as Cinder does;
 * 400 with Cinder's messages for a sort key not in `sortable`, an unknown direction, a negative or
 * non-integer limit or offset, or `sort` mixed with `sort_key`/`sort_dir`. Default order: created_at
 * then id, descending (directions of the implicit keys follow the first asked direction).
 */
export function parsePaging(q: Query, sortable: readonly string[]): Paging {
  const sortParam = one(q, 'sort');
  const keyParam = one(q, 'sort_key');
  const dirParam = one(q, 'sort_dir');
  if (sortParam !== undefined && (keyParam !== undefined || dirParam !== undefined)) {
    throw badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  }
  const asked: Array<{ key: string; dir: string }> = [];
  if (sortParam !== undefined) {
    for (const part of sortParam.trim().split(',')) {
      const [key, dir] = part.split(':', 2) as [string, string | undefined];
      asked.push({ key: key.trim(), dir: (dir ?? 'desc').trim() || 'desc' });
    }
  } else if (keyParam !== undefined || dirParam !== undefined) {
    asked.push({ key: (keyParam ?? 'created_at').trim(), dir: (dirParam ?? 'desc').trim() });
  }
  for (const { key, dir } of asked) {
    if (dir !== 'asc' && dir !== 'desc') throw badRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.");
    if (!sortable.includes(key)) throw badRequest('Invalid input received: Invalid sort key');
  }
  const sort = asked as Paging['sort'];
  const implicitDir: SortDir = sort[0]?.dir ?? 'desc';
  for (const key of ['created_at', 'id']) if (!sort.some((s) => s.key === key)) sort.push({ key, dir: implicitDir });

  const limitRaw = one(q, 'limit');
  let limit = MAX_LIMIT;
  if (limitRaw !== undefined) {
    limit = int(limitRaw, 'limit param must be an integer');
    if (limit < 0) throw badRequest('limit param must be positive');
    limit = Math.min(limit, MAX_LIMIT);
  }
  const offsetRaw = one(q, 'offset');
  let offset = 0;
  if (offsetRaw !== undefined) {
    offset = int(offsetRaw, 'offset must be an integer.');
    if (offset < 0) throw badRequest('offset must be >= 0.');
  }
  const withCountRaw = one(q, 'with_count');
  const withCount = withCountRaw !== undefined && ['true', '1', 'yes', 'on', 't', 'y'].includes(withCountRaw.toLowerCase());
  return { sort, limit, marker: one(q, 'marker'), offset, withCount };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // NULLs first ascending, as SQLite and MySQL order them (Cinder's reference databases).
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export interface PageOptions<T> {
  /** The value a row sorts by for an (API) sort key; defaults to the row's property of that name. */
  value?: (row: T, key: string) => unknown;
  /** The row's id (markers name ids); defaults to `row.id`. */
  id?: (row: T) => string;
  /** Rows to look the marker up in when it may have left the filtered list (e.g. its status changed). */
  markerRows?: readonly T[];
  /** The 404 for an unknown marker, e.g. `notFound.volume` ("Volume <id> could not be found."). */
  notFound: (marker: string) => ApiError;
}

export interface Page<T> {
  items: T[];
  /** The marker of the next page (the last item's id), or null when nothing follows. */
  next: string | null;
  /** The filtered total before paging (for `count`, 3.45+). */
  total: number;
}

/** Sorts `rows` and cuts the page after the marker (then skipping `offset`), `limit` long. */
export function pageRows<T>(rows: readonly T[], paging: Paging, opts: PageOptions<T>): Page<T> {
  const value = opts.value ?? ((row: T, key: string) => (row as Record<string, unknown>)[key]);
  const idOf = opts.id ?? ((row: T) => String((row as Record<string, unknown>).id));
  const cmp = (a: T, b: T): number => {
    for (const { key, dir } of paging.sort) {
      const c = compareValues(value(a, key), value(b, key));
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
  const sorted = [...rows].sort(cmp);
  let after = sorted;
  if (paging.marker !== undefined) {
    const marker = paging.marker;
    const markerRow = sorted.find((r) => idOf(r) === marker) ?? opts.markerRows?.find((r) => idOf(r) === marker);
    if (markerRow === undefined) throw opts.notFound(marker);
    // Strictly after the marker in the total order (id is always a key), as Cinder's keyset paging.
    after = sorted.filter((r) => cmp(r, markerRow) > 0);
  }
  const rest = after.slice(paging.offset);
  const items = rest.slice(0, paging.limit);
  const next = items.length > 0 && rest.length > items.length ? idOf(items[items.length - 1]!) : null;
  return { items, next, total: rows.length };
}

/**
 * `{"<collection>_links": [{"href": …, "rel": "next"}]}` when a next page exists, else `{}`: the
 * request's URL (under `publicUrl`) with its query repeated and `marker` set to `next`.
 * `collection` is the response key's stem (`volumes` for /volumes and /volumes/detail alike).
 */
export function nextLinks(req: FastifyRequest, publicUrl: string, collection: string, next: string | null): Record<string, unknown> {
  if (next === null) return {};
  const [path, search] = req.url.split('?', 2) as [string, string | undefined];
  const params = new URLSearchParams(search ?? '');
  params.set('marker', next);
  return { [`${collection}_links`]: [{ href: `${publicUrl}${path}?${params.toString()}`, rel: 'next' }] };
}

/** `{"count": n}` (3.45+) when asked with `with_count=true`, else `{}`. */
export function countOf(paging: Paging, page: Page<unknown>, allowed: boolean): Record<string, number> {
  return allowed && paging.withCount ? { count: page.total } : {};
}
