// GET /flavors and /flavors/detail: Nova's filters (is_public, minRam, minDisk), sorting and
// limit/marker paging with a `flavors_links` next link.
import { sql } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import { isAdmin, type ComputeDeps } from '../common.js';
import type { FlavorRow } from '../compute.tables.js';

const NULLABLE = new Set<keyof FlavorRow>(['description', 'updated_at']);

type Query = Record<string, string | string[] | undefined>;

/** Nova's CONF.api.max_limit. */
const MAX_LIMIT = 1000;

// Nova's sort keys mapped to our columns. Nova's internal integer `id` is creation order.
const SORT_KEYS: Record<string, keyof FlavorRow> = {
  flavorid: 'id', id: 'created_at', name: 'name', memory_mb: 'ram', root_gb: 'disk', ephemeral_gb: 'ephemeral',
  swap: 'swap', vcpus: 'vcpus', rxtx_factor: 'rxtx_factor', is_public: 'is_public', disabled: 'disabled',
  description: 'description', created_at: 'created_at', updated_at: 'updated_at', vcpu_weight: 'id',
};

/** The last value of a query parameter (webob's MultiDict.get). */
export const param = (q: Query, name: string): string | undefined => {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

/** Admins' is_public filter: absent = public (and their project's), `none` = all, else a strict boolean. */
function isPublicFilter(v: string | undefined): boolean | null {
  if (v === undefined) return true;
  const s = v.trim().toLowerCase();
  if (s === 'none') return null;
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  throw badRequest(`Invalid is_public filter [${v}]`);
}

function intFilter(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(v)) throw badRequest(`Invalid ${name} filter [${v}]`);
  return Number(v);
}

/** Nova's common.get_limit_and_marker. */
export function limitAndMarker(q: Query): { limit: number; marker: string | undefined; explicit: boolean } {
  const raw = param(q, 'limit');
  let limit = MAX_LIMIT;
  if (raw !== undefined) {
    if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest('limit param must be an integer');
    limit = Number(raw);
    if (limit < 0) throw badRequest('limit param must be positive');
  }
  return { limit: Math.min(limit, MAX_LIMIT), marker: param(q, 'marker'), explicit: raw !== undefined };
}

export interface FlavorPage { rows: FlavorRow[]; nextMarker?: string }

export async function listFlavors(deps: ComputeDeps, auth: AuthContext, q: Query): Promise<FlavorPage> {
  const sortParam = param(q, 'sort_key') || 'flavorid';
  const sortKey = Object.hasOwn(SORT_KEYS, sortParam) ? SORT_KEYS[sortParam] : undefined;
  if (!sortKey) throw badRequest(`Invalid input for query parameters sort_key. Value: ${sortParam}. It is not one of ${Object.keys(SORT_KEYS).join(', ')}`);
  const dir = (param(q, 'sort_dir') || 'asc').toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw badRequest(`Invalid input for query parameters sort_dir. Value: ${dir}. It is not one of asc, desc`);
  const minRam = intFilter('minRam', param(q, 'minRam'));
  const minDisk = intFilter('minDisk', param(q, 'minDisk'));
  const { limit, marker } = limitAndMarker(q);

  let query = deps.db.selectFrom('compute_flavor').selectAll();
  // Non-admins always see the enabled public flavors plus their project's private ones.
  const admin = isAdmin(deps, auth);
  const isPublic = admin ? isPublicFilter(param(q, 'is_public')) : true;
  if (!admin) query = query.where('disabled', '=', 0);
  if (isPublic === false) query = query.where('is_public', '=', 0);
  if (isPublic === true) {
    const projectId = auth.projectId ?? '';
    query = query.where((eb) => eb.or([
      eb('is_public', '=', 1),
      eb('id', 'in', eb.selectFrom('compute_flavor_access').select('flavor_id').where('project_id', '=', projectId)),
    ]));
  }
  if (minRam !== undefined) query = query.where('ram', '>=', minRam);
  if (minDisk !== undefined) query = query.where('disk', '>=', minDisk);

  // Nullable columns sort as '' so SQLite and PostgreSQL (which place NULLs differently) agree.
  const sortExpr = NULLABLE.has(sortKey) ? sql<string>`coalesce(${sql.ref(sortKey)}, '')` : sql<string | number>`${sql.ref(sortKey)}`;
  if (marker !== undefined) {
    const m = await deps.db.selectFrom('compute_flavor').selectAll().where('id', '=', marker).executeTakeFirst();
    if (!m) throw badRequest(`marker [${marker}] not found`);
    const op = dir === 'asc' ? '>' : '<';
    const mv = m[sortKey] ?? '';
    // Rows after the marker in (sort key, id) order; the id breaks ties as Nova's paginate_query does.
    query = query.where((eb) => eb.or([eb(sortExpr, op, mv), eb.and([eb(sortExpr, '=', mv), eb('id', op, m.id)])]));
  }
  const rows = await query.orderBy(sortExpr, dir).orderBy('id', dir).limit(limit).execute();
  const last = rows[rows.length - 1];
  return { rows, ...(limit > 0 && rows.length === limit && last ? { nextMarker: last.id } : {}) };
}

/** The `next` link: this collection's URL with the request's parameters and the new marker. */
export function nextLink(baseUrl: string, collection: string, q: Query, marker: string): { rel: string; href: string } {
  const params = new URLSearchParams();
  const entries = Object.entries({ ...q, marker }).sort(([a], [b]) => a.localeCompare(b));
  for (const [k, v] of entries) for (const one of [v ?? []].flat()) params.append(k, one);
  return { rel: 'next', href: `${baseUrl}/compute/v2.1/${collection}?${params.toString()}` };
}
