import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import { enforce, isAdmin, parseIntParam, type ImageDeps } from '../common.js';
import type { ImageRow } from '../image.tables.js';
import { imageBody, parseProperties } from './image-body.js';

const SORT_KEYS = new Set(['name', 'status', 'container_format', 'disk_format', 'size', 'virtual_size', 'id',
  'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram', 'protected', 'os_hidden']);
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
/** Query parameters that are not property filters. */
const RESERVED = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'name', 'status', 'visibility', 'owner',
  'member_status', 'tag', 'disk_format', 'container_format', 'size_min', 'size_max', 'protected', 'os_hidden', 'id',
  'created_at', 'updated_at']);

type Query = Record<string, string | string[] | undefined>;
type Sort = { key: keyof ImageRow; dir: 'asc' | 'desc' };

const one = (q: Query, k: string): string | undefined => { const v = q[k]; return Array.isArray(v) ? v[v.length - 1] : v; };
const all = (q: Query, k: string): string[] => { const v = q[k]; return v === undefined ? [] : [v].flat(); };

function parseBool(name: string, v: string): number {
  if (v === 'true' || v === 'True') return 1;
  if (v === 'false' || v === 'False') return 0;
  throw badRequest(`Invalid value '${v}' for parameter '${name}': expected true or false.`);
}

function parseSort(q: Query): Sort[] {
  const sorts: Sort[] = [];
  const sort = one(q, 'sort');
  const keys = all(q, 'sort_key');
  const dirs = all(q, 'sort_dir');
  if (sort !== undefined && (keys.length || dirs.length)) throw badRequest('The sort parameter cannot be combined with sort_key or sort_dir.');
  const checkDir = (d: string): 'asc' | 'desc' => {
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid sort direction: ${d}`);
    return d;
  };
  const checkKey = (k: string): keyof ImageRow => {
    if (!SORT_KEYS.has(k)) throw badRequest(`Invalid sort key: ${k}. It must be one of: ${[...SORT_KEYS].join(', ')}.`);
    return k as keyof ImageRow;
  };
  if (sort !== undefined) {
    for (const part of sort.split(',')) {
      const [k, d, more] = part.trim().split(':');
      if (more !== undefined || !k) throw badRequest(`Invalid sort parameter: ${sort}`);
      sorts.push({ key: checkKey(k), dir: checkDir(d ?? 'desc') });
    }
  } else {
    if (dirs.length > 1 && dirs.length !== keys.length) throw badRequest('Give one sort_dir, or one per sort_key.');
    for (const [i, k] of keys.entries()) sorts.push({ key: checkKey(k), dir: checkDir(dirs[i] ?? dirs[0] ?? 'desc') });
    if (!keys.length) sorts.push({ key: 'created_at', dir: checkDir(dirs[0] ?? 'desc') });
  }
  // Ties end on id, so a marker names one place in the order.
  if (!sorts.some((s) => s.key === 'id')) sorts.push({ key: 'id', dir: sorts[sorts.length - 1]!.dir });
  return sorts;
}

function compare(a: ImageRow, b: ImageRow, sorts: Sort[]): number {
  for (const { key, dir } of sorts) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    // NULLs sort first ascending, as in PostgreSQL's DESC NULLS FIRST mirrored.
    const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return dir === 'asc' ? c : -c;
  }
  return 0;
}

/** A numeric or `in:`/`eq:`-free string filter; Glance also allows `in:a,b` on a few keys. */
function listFilter(v: string): string[] {
  return v.startsWith('in:') ? v.slice(3).split(',') : [v];
}

/**
 * GET /v2/images. The visible set is computed here and then sorted and paged in memory: the
 * scope rules (public, community only on request, own, shared by membership status) and the
 * property filters do not fit one portable SQL query, and a cloud's image count is small.
 */
export async function listImages(deps: ImageDeps, auth: AuthContext, q: Query): Promise<Record<string, unknown>> {
  enforce(deps, auth, 'get_images', {});
  const admin = isAdmin(deps, auth);
  const limit = Math.min(one(q, 'limit') === undefined ? DEFAULT_LIMIT : parseIntParam('limit', one(q, 'limit')), MAX_LIMIT);
  const sorts = parseSort(q);
  const visibility = one(q, 'visibility');
  if (visibility !== undefined && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
    throw badRequest(`Invalid visibility value: ${visibility}`);
  }
  const memberStatus = one(q, 'member_status') ?? 'accepted';
  if (!['accepted', 'pending', 'rejected', 'all'].includes(memberStatus)) throw badRequest(`Invalid status value: ${memberStatus}`);

  let query = deps.db.selectFrom('image').selectAll();
  for (const k of ['name', 'status', 'disk_format', 'container_format', 'owner', 'id'] as const) {
    const v = one(q, k);
    if (v !== undefined) query = query.where(k, 'in', listFilter(v));
  }
  if (one(q, 'size_min') !== undefined) query = query.where('size', '>=', parseIntParam('size_min', one(q, 'size_min')));
  if (one(q, 'size_max') !== undefined) query = query.where('size', '<=', parseIntParam('size_max', one(q, 'size_max')));
  if (one(q, 'protected') !== undefined) query = query.where('protected', '=', parseBool('protected', one(q, 'protected')!));
  // Hidden images stay out of lists unless asked for (Glance's os_hidden).
  query = query.where('os_hidden', '=', one(q, 'os_hidden') === undefined ? 0 : parseBool('os_hidden', one(q, 'os_hidden')!));
  if (visibility !== undefined && visibility !== 'all') query = query.where('visibility', '=', visibility as ImageRow['visibility']);
  const rows = await query.execute();

  const memberships = new Map<string, string>();
  if (auth.projectId) {
    for (const m of await deps.db.selectFrom('image_member').select(['image_id', 'status']).where('member_id', '=', auth.projectId).execute()) {
      memberships.set(m.image_id, m.status);
    }
  }
  const own = (r: ImageRow) => auth.projectId !== undefined && r.owner === auth.projectId;
  const statusOk = (s: string | undefined) => s !== undefined && (memberStatus === 'all' || s === memberStatus);
  const inScope = (r: ImageRow): boolean => {
    // Community images are listed only when asked for, or to their owner (Glance's rule).
    if (r.visibility === 'community') return visibility === 'community' || visibility === 'all' || own(r);
    if (admin) return true;
    if (r.visibility === 'public') return true;
    if (own(r)) return true;
    return r.visibility === 'shared' && statusOk(memberships.get(r.id));
  };
  const props = Object.entries(q).filter(([k]) => !RESERVED.has(k));
  const wantTags = all(q, 'tag');
  const tagRows = wantTags.length
    ? await deps.db.selectFrom('image_tag').select(['image_id', 'value']).where('value', 'in', wantTags).execute() : [];
  const tagged = new Map<string, Set<string>>();
  for (const t of tagRows) (tagged.get(t.image_id) ?? tagged.set(t.image_id, new Set()).get(t.image_id)!).add(t.value);

  const visible = rows.filter((r) => inScope(r)
    && wantTags.every((t) => tagged.get(r.id)?.has(t))
    && props.every(([k, v]) => { const p = parseProperties(r)[k]; return [v].flat().includes(p as string); }))
    .sort((a, b) => compare(a, b, sorts));

  let start = 0;
  const marker = one(q, 'marker');
  if (marker !== undefined) {
    const at = visible.findIndex((r) => r.id === marker);
    if (at < 0) throw badRequest(`Invalid marker: image ${marker} could not be found.`);
    start = at + 1;
  }
  const page = visible.slice(start, start + limit);
  const tags = new Map<string, string[]>();
  if (page.length) {
    for (const t of await deps.db.selectFrom('image_tag').select(['image_id', 'value']).where('image_id', 'in', page.map((r) => r.id)).execute()) {
      (tags.get(t.image_id) ?? tags.set(t.image_id, []).get(t.image_id)!).push(t.value);
    }
  }
  const result: Record<string, unknown> = {
    images: page.map((r) => imageBody(r, tags.get(r.id) ?? [])),
    first: '/v2/images',
    schema: '/v2/schemas/images',
  };
  if (page.length === limit && start + limit < visible.length) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (k !== 'marker') for (const x of [v ?? ''].flat()) params.append(k, x);
    params.set('marker', page[page.length - 1]!.id);
    params.set('limit', String(limit));
    result.next = `/v2/images?${params.toString()}`;
  }
  return result;
}
