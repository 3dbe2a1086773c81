// GET /volumes, /volumes/detail and /volumes/summary: which volumes a caller lists. The project
// scope and the plain column filters run in SQL; metadata, like (`name~`, 3.34) and time (3.60)
// filters in memory over the project's rows; sorting and paging through ../collection.ts.
import type { AuthContext } from '../../platform/auth-context.js';
import { compareVersions, type ApiVersion } from '../../platform/http/microversion.js';
import { checkFilterNames, filtersOf, pageRows, parsePaging, type Page, type Paging, type Query } from '../collection.js';
import { badRequest, enforce, isAdmin, notFound, parseBool, type VolumeDeps } from '../common.js';
import { has } from '../microversions.js';
import type { VolumeRow } from '../volume.tables.js';
import type { VolumeStatus } from '../volume-states.js';

/** Filters non-admins may use (Cinder's resource_filters.json for volumes, plus glance_metadata and volume_type). */
const USER_FILTERS = ['name', 'status', 'metadata', 'bootable', 'migration_status', 'availability_zone', 'group_id', 'size',
  'created_at', 'updated_at', 'consumes_quota', 'glance_metadata', 'volume_type'];

export const VOLUME_SORT_KEYS = ['id', 'name', 'display_name', 'description', 'display_description', 'status', 'size',
  'availability_zone', 'bootable', 'created_at', 'updated_at', 'project_id', 'user_id', 'volume_type_id', 'host',
  'attach_status', 'multiattach', 'snapshot_id', 'source_volid', 'migration_status', 'launched_at'];

const COLUMN_OF: Record<string, keyof VolumeRow> = { display_name: 'name', display_description: 'description' };
const sortValue = (row: VolumeRow, key: string): unknown => row[COLUMN_OF[key] ?? key as keyof VolumeRow];

/** `{"k": "v"}` or cinderclient's `{'k': 'v'}`: an object of wanted pairs. */
function jsonFilter(raw: string, name: string): Record<string, string> {
  let wanted: unknown;
  try { wanted = JSON.parse(raw.replace(/'/g, '"')); } catch { wanted = undefined; }
  if (!wanted || typeof wanted !== 'object' || Array.isArray(wanted)) throw badRequest(`Invalid ${name} filter '${raw}': expected a JSON object.`);
  return Object.fromEntries(Object.entries(wanted as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** 3.60's `created_at=gt:2020-01-01T00:00:00,lte:…`. */
function timeFilter(raw: string, field: string): (iso: string) => boolean {
  const ops: Record<string, (a: number, b: number) => boolean> = {
    gt: (a, b) => a > b, gte: (a, b) => a >= b, lt: (a, b) => a < b, lte: (a, b) => a <= b, eq: (a, b) => a === b, neq: (a, b) => a !== b,
  };
  const tests = raw.split(',').map((unit) => {
    const at = unit.indexOf(':');
    if (at < 0) throw badRequest(`Invalid ${field} value`);
    const op = unit.slice(0, at);
    const time = unit.slice(at + 1);
    if (!ops[op]) throw badRequest(`Invalid ${op} operator`);
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
    if (Number.isNaN(t)) throw badRequest(`Invalid ${time} value`);
    return (iso: string) => ops[op]!(Date.parse(iso), t);
  });
  return (iso) => tests.every((f) => f(iso));
}

async function kvOf(deps: VolumeDeps, table: 'volume_metadata' | 'volume_image_metadata', ids: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await deps.db.selectFrom(table).selectAll().where('volume_id', 'in', ids.slice(i, i + 500)).execute()) {
      out.set(r.volume_id, { ...(out.get(r.volume_id) ?? {}), [r.key]: r.value });
    }
  }
  return out;
}

/** The volumes a caller's query selects (all matching, unsorted). */
export async function selectVolumes(deps: VolumeDeps, auth: AuthContext, q: Query, version: ApiVersion): Promise<VolumeRow[]> {
  const admin = isAdmin(deps, auth);
  const f = checkFilterNames(filtersOf(q), USER_FILTERS, { admin, version });
  let query = deps.db.selectFrom('volume').selectAll();
  const allTenants = admin && f.all_tenants !== undefined && parseBool(f.all_tenants === '' ? 'true' : f.all_tenants, 'all_tenants');
  if (admin && f.project_id !== undefined) query = query.where('project_id', '=', f.project_id);
  else if (!allTenants) query = query.where('project_id', '=', auth.projectId ?? '');
  if (f.name !== undefined) query = query.where('name', '=', f.name);
  if (f.status !== undefined) query = query.where('status', '=', f.status as VolumeStatus);
  if (f.availability_zone !== undefined) query = query.where('availability_zone', '=', f.availability_zone);
  if (f.migration_status !== undefined) query = query.where('migration_status', '=', f.migration_status);
  if (f.bootable !== undefined) query = query.where('bootable', '=', parseBool(f.bootable, 'bootable') ? 1 : 0);
  if (f.size !== undefined) {
    if (!/^\d+$/.test(f.size)) throw badRequest(`Invalid size filter '${f.size}': it must be a whole number.`);
    query = query.where('size', '=', Number(f.size));
  }
  if (f.volume_type !== undefined) {
    const types = await deps.db.selectFrom('volume_type').select('id').where((eb) => eb.or([eb('id', '=', f.volume_type!), eb('name', '=', f.volume_type!)])).execute();
    query = query.where('volume_type_id', 'in', types.length ? types.map((t) => t.id) : ['']);
  }
  // No groups exist here: a group filter matches nothing (an empty one everything).
  if (f.group_id) return [];
  if (admin) {
    if (f.host !== undefined) query = query.where('host', '=', f.host);
    if (f.user_id !== undefined) query = query.where('user_id', '=', f.user_id);
  }
  let rows = await query.execute();

  // Like filters (3.34): `name~=ab` matches names containing "ab", as Cinder's SQL LIKE %ab%.
  if (has(version, 'volumesFilterLike')) {
    for (const key of ['name', 'description', 'status', 'availability_zone']) {
      const wanted = f[`${key}~`];
      if (wanted === undefined) continue;
      const w = wanted.toLowerCase();
      rows = rows.filter((r) => String(r[key as keyof VolumeRow] ?? '').toLowerCase().includes(w));
    }
  }
  if (has(version, 'filterByTime')) {
    for (const key of ['created_at', 'updated_at'] as const) {
      if (f[key] === undefined) continue;
      const test = timeFilter(f[key]!, key);
      rows = rows.filter((r) => test(r[key]));
    }
  }
  for (const [param, table] of [['metadata', 'volume_metadata'], ['glance_metadata', 'volume_image_metadata']] as const) {
    if (f[param] === undefined || (param === 'glance_metadata' && !has(version, 'listFiltersByGlanceMetadata'))) continue;
    const wanted = jsonFilter(f[param]!, param);
    const kv = await kvOf(deps, table, rows.map((r) => r.id));
    rows = rows.filter((r) => Object.entries(wanted).every(([k, v]) => kv.get(r.id)?.[k] === v));
  }
  return rows;
}

/** One page of the caller's volumes. */
export async function listVolumes(deps: VolumeDeps, auth: AuthContext, q: Query, version: ApiVersion): Promise<{ page: Page<VolumeRow>; paging: Paging }> {
  enforce(deps, auth, 'volume:get_all');
  const paging = parsePaging(q, VOLUME_SORT_KEYS);
  const rows = await selectVolumes(deps, auth, q, version);
  // A marker that left the filtered list (its status changed) is looked up among the project's volumes.
  const markerRows = paging.marker === undefined || rows.some((r) => r.id === paging.marker) ? undefined
    : await deps.db.selectFrom('volume').selectAll().where('id', '=', paging.marker).execute()
      .then((found) => found.filter((r) => r.project_id === auth.projectId || isAdmin(deps, auth)));
  const page = pageRows(rows, paging, { value: sortValue, notFound: notFound.volume, markerRows });
  return { page, paging };
}

/** GET /volumes/summary (3.12; metadata 3.36): count, total size and the distinct metadata values. */
export async function volumeSummary(deps: VolumeDeps, auth: AuthContext, q: Query, version: ApiVersion): Promise<Record<string, unknown>> {
  enforce(deps, auth, 'volume:get_all_volume_summary');
  const rows = await selectVolumes(deps, auth, q, version);
  const summary: Record<string, unknown> = { total_size: rows.reduce((n, r) => n + r.size, 0), total_count: rows.length };
  if (compareVersions(version, { major: 3, minor: 36 }) >= 0) {
    const kv = await kvOf(deps, 'volume_metadata', rows.map((r) => r.id));
    const metadata: Record<string, string[]> = {};
    for (const m of kv.values()) {
      for (const [k, v] of Object.entries(m)) if (!(metadata[k] ??= []).includes(v)) metadata[k]!.push(v);
    }
    summary.metadata = metadata;
  }
  return { 'volume-summary': summary };
}
