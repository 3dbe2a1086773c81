// GET /types: which types a caller sees (Cinder: public ones and private ones its project was
// given; admins choose with is_public, all with is_public=None), sorted and paged.
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { badRequest, isAdmin, parseBool, type VolumeDeps } from '../common.js';
import { single } from './type-input.js';
import type { VolumeTypeRow } from '../volume.tables.js';

const SORT_KEYS = ['id', 'name', 'description', 'is_public', 'created_at', 'updated_at'] as const;
type SortKey = typeof SORT_KEYS[number];

interface ListQuery { is_public?: string; limit?: string; marker?: string; offset?: string; sort?: string; sort_key?: string; sort_dir?: string }

/** `is_public` as Cinder reads it: absent → true (public, plus shared with the project), "None" → all. */
function publicFilter(v: string | undefined): boolean | null {
  if (v === undefined) return true;
  if (v.toLowerCase() === 'none') return null;
  return parseBool(v, 'is_public');
}

function sortSpec(q: ListQuery): Array<{ key: SortKey; dir: 'asc' | 'desc' }> {
  const parts = q.sort
    ? q.sort.split(',').map((p) => { const [key, dir] = p.trim().split(':'); return { key: key ?? '', dir: dir ?? 'desc' }; })
    : (q.sort_key ?? 'created_at').split(',').map((key, i) => ({ key: key.trim(), dir: (q.sort_dir ?? 'desc').split(',')[i] ?? 'desc' }));
  return parts.map(({ key, dir }) => {
    if (!(SORT_KEYS as readonly string[]).includes(key)) throw badRequest(`Invalid input received: sort key '${key}' is not one of ${SORT_KEYS.join(', ')}.`);
    const d = dir.trim().toLowerCase();
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid input received: sort direction '${dir}' is not asc or desc.`);
    return { key: key as SortKey, dir: d };
  });
}

function whole(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`Invalid input received: ${field} must be a non-negative integer, got '${v}'.`);
  return Number(v);
}

/** The types the caller lists, in order, one page. */
export async function listVisibleTypes(deps: VolumeDeps, auth: AuthContext, query: Record<string, unknown>): Promise<VolumeTypeRow[]> {
  const q: ListQuery = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, single(v)]));
  // Only admins choose; everyone else sees public types and those shared with their project.
  const wanted = isAdmin(deps, auth) ? publicFilter(q.is_public) : true;
  const order = sortSpec(q);
  const limit = whole(q.limit, 'limit');
  const offset = whole(q.offset, 'offset') ?? 0;
  const projectId = auth.projectId ?? '';
  let sel = deps.db.selectFrom('volume_type').selectAll();
  if (wanted === true) {
    sel = sel.where((eb) => eb.or([
      eb('is_public', '=', 1),
      eb.exists(eb.selectFrom('volume_type_access').select('project_id')
        .whereRef('volume_type_access.volume_type_id', '=', 'volume_type.id').where('volume_type_access.project_id', '=', projectId)),
    ]));
  } else if (wanted === false) {
    sel = sel.where('is_public', '=', 0);
  }
  for (const { key, dir } of order) sel = sel.orderBy(key, dir);
  sel = sel.orderBy('id', 'asc');
  let rows = await sel.execute();
  if (q.marker !== undefined) {
    const at = rows.findIndex((r) => r.id === q.marker);
    if (at < 0) throw new ApiError(404, `Marker ${q.marker} could not be found.`);
    rows = rows.slice(at + 1);
  }
  rows = rows.slice(offset);
  return limit === undefined ? rows : rows.slice(0, limit);
}
