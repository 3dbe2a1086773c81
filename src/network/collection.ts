// Neutron's list and show machinery, shared by every resource: filters on any attribute (repeated
// values OR'ed), tag filters, `fields`, sort_key/sort_dir, limit/marker/page_reverse with links.
// Lists are filtered over the views in memory: a project's resources number in the thousands at
// most, and filtering views (not columns) keeps the semantics identical for every attribute.
import type { FastifyRequest } from 'fastify';
import { badRequest, neutronError } from './common.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type View = Record<string, any>;
export type Query = Record<string, string | string[] | undefined>;

const PAGING = new Set(['limit', 'marker', 'sort_key', 'sort_dir', 'fields', 'page_reverse', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);

const list = (v: string | string[] | undefined): string[] => v === undefined ? [] : Array.isArray(v) ? v : [v];

/** A value as it is written in a query string (Neutron accepts True/true/1 for booleans). */
function matches(value: unknown, wanted: string): boolean {
  if (typeof value === 'boolean') return value === ['true', '1'].includes(wanted.toLowerCase());
  if (value === null || value === undefined) return wanted === '' || wanted.toLowerCase() === 'none' || wanted.toLowerCase() === 'null';
  if (typeof value === 'number') return String(value) === wanted;
  if (typeof value === 'string') return value === wanted;
  return false;
}

/** `fixed_ips=ip_address=10.0.0.5` / `subnet_id=…` / `ip_address_substr=…`: a port matches when one of its fixed IPs does. */
function matchesFixedIps(fixedIps: Array<{ subnet_id: string; ip_address: string }>, wanted: string): boolean {
  const eq = wanted.indexOf('=');
  if (eq < 0) throw badRequest(`Invalid fixed_ips filter '${wanted}': expected ip_address=…, ip_address_substr=… or subnet_id=…`);
  const key = wanted.slice(0, eq);
  const value = wanted.slice(eq + 1);
  if (key === 'ip_address') return fixedIps.some((f) => f.ip_address === value);
  if (key === 'ip_address_substr') return fixedIps.some((f) => f.ip_address.includes(value));
  if (key === 'subnet_id') return fixedIps.some((f) => f.subnet_id === value);
  throw badRequest(`Invalid fixed_ips filter '${wanted}': expected ip_address=…, ip_address_substr=… or subnet_id=…`);
}

export interface ListOptions {
  /** Attributes that may be filtered although absent from some views (e.g. admin-only ones). */
  extraFilters?: string[];
  /** Custom filters: attribute → predicate over (view, wanted values). */
  custom?: Record<string, (view: View, wanted: string[]) => boolean>;
}

/** Applies Neutron's attribute and tag filters. Unknown attributes are refused (Neutron's filter validation). */
export function filterViews(views: View[], query: Query, known: readonly string[], opts: ListOptions = {}): View[] {
  let out = views;
  const allowed = new Set([...known, ...(opts.extraFilters ?? [])]);
  for (const [key, raw] of Object.entries(query)) {
    if (PAGING.has(key) || raw === undefined) continue;
    const wanted = list(raw);
    const custom = opts.custom?.[key];
    if (custom) { out = out.filter((v) => custom(v, wanted)); continue; }
    if (key === 'fixed_ips') { out = out.filter((v) => wanted.every((w) => matchesFixedIps(v.fixed_ips ?? [], w))); continue; }
    if (!allowed.has(key)) throw badRequest(`['${key}'] is invalid attribute for filtering`);
    out = out.filter((v) => {
      const value = v[key];
      if (Array.isArray(value)) return wanted.some((w) => value.includes(w));
      return wanted.some((w) => matches(value, w));
    });
  }
  const tagsOf = (v: View): string[] => v.tags ?? [];
  const split = (k: string) => list(query[k]).flatMap((s) => s.split(',')).filter(Boolean);
  const all = split('tags'), anyOf = split('tags-any'), notAll = split('not-tags'), notAny = split('not-tags-any');
  if (all.length) out = out.filter((v) => all.every((t) => tagsOf(v).includes(t)));
  if (anyOf.length) out = out.filter((v) => anyOf.some((t) => tagsOf(v).includes(t)));
  if (notAll.length) out = out.filter((v) => !notAll.every((t) => tagsOf(v).includes(t)));
  if (notAny.length) out = out.filter((v) => !notAny.some((t) => tagsOf(v).includes(t)));
  return out;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}

/** Keeps only the asked `fields` (all when none asked). */
export function project(view: View, query: Query): View {
  const fields = list(query.fields).flatMap((f) => f.split(',')).filter(Boolean);
  if (fields.length === 0) return view;
  return Object.fromEntries(fields.filter((f) => f in view).map((f) => [f, view[f]]));
}

/**
 * Sorts, pages and projects a filtered list, answering `{<collection>: [...], <collection>_links?: [...]}`.
 * `baseUrl` is the collection's public URL (links repeat the query with a new marker).
 */
export function page(views: View[], query: Query, collection: string, baseUrl: string, sortable: readonly string[]): View {
  const keys = list(query.sort_key);
  const dirs = list(query.sort_dir);
  if (dirs.length && dirs.length !== keys.length) throw badRequest('The number of sort_keys and sort_dirs must be the same');
  for (const k of keys) if (!sortable.includes(k)) throw badRequest(`${k} is an invalid attribute for sort_keys`);
  for (const d of dirs) if (d !== 'asc' && d !== 'desc') throw badRequest(`${d} is an invalid value for sort_dirs, valid values are 'asc' and 'desc'`);
  const limitRaw = query.limit === undefined ? undefined : list(query.limit)[0]!;
  const limit = limitRaw === undefined ? 0 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`Invalid input for limit: '${limitRaw}' is not an integer >= 0`);
  const reverse = ['true', '1'].includes(String(list(query.page_reverse)[0] ?? '').toLowerCase());

  // Paging needs a total order: the asked keys, then id.
  const order = [...keys.map((k, i) => [k, dirs[i] ?? 'asc'] as const), ...(keys.includes('id') ? [] : [['id', 'asc'] as const])];
  let sorted = keys.length || limit ? [...views].sort((a, b) => {
    for (const [k, d] of order) {
      const c = compare(a[k], b[k]);
      if (c !== 0) return d === 'asc' ? c : -c;
    }
    return 0;
  }) : views;
  if (reverse) sorted = [...sorted].reverse();

  const marker = list(query.marker)[0];
  let start = 0;
  if (marker !== undefined) {
    const at = sorted.findIndex((v) => v.id === marker);
    if (at < 0) throw neutronError(404, 'NotFound', `Marker ${marker} could not be found.`);
    start = at + 1;
  }
  let items = limit ? sorted.slice(start, start + limit) : sorted.slice(start);
  if (reverse) items = items.reverse();
  const body: View = { [collection]: items.map((v) => project(v, query)) };
  if (limit) {
    const links: Array<{ rel: string; href: string }> = [];
    const link = (rel: string, id: string, rev: boolean) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (k !== 'marker' && k !== 'page_reverse') for (const x of list(v)) q.append(k, x);
      q.set('marker', id);
      if (rev) q.set('page_reverse', 'True');
      links.push({ rel, href: `${baseUrl}?${q.toString()}` });
    };
    const more = start + limit < sorted.length;
    if (items.length && (reverse ? start > 0 || more : more)) link('next', items[items.length - 1]!.id, false);
    if (items.length && marker !== undefined) link('previous', items[0]!.id, true);
    if (links.length) body[`${collection}_links`] = links;
  }
  return body;
}

/** The collection's public URL for links (the catalog's base plus the request path). */
export function collectionUrl(req: FastifyRequest, publicUrl: string): string {
  return `${publicUrl}${req.url.split('?')[0]}`;
}

/** Filters, sorts, pages and projects in one go: what every list route answers. */
export function listResponse(req: FastifyRequest, publicUrl: string, collection: string, attributes: readonly string[],
  views: View[], opts: ListOptions = {}): View {
  const query = req.query as Query;
  const filtered = filterViews(views, query, attributes, opts);
  return page(filtered, query, collection, collectionUrl(req, publicUrl), attributes);
}
