// GET /servers and /servers/detail: filters (SQL where it can, the name regex in memory), sort,
// limit/marker pagination with a `servers_links` next link.
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { isAdmin } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import { STATUS_TO_VM_STATES } from '../vm-states.js';
import { has, type ApiVersion } from '../microversions.js';

type Query = Record<string, string | string[] | undefined>;
const MAX_LIMIT = 1000;
const SORT_KEYS = new Set(['access_ip_v4', 'access_ip_v6', 'availability_zone', 'config_drive', 'created_at', 'display_description',
  'display_name', 'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at',
  'locked', 'locked_by', 'node', 'power_state', 'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state',
  'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state']);
const COLUMN: Record<string, keyof InstanceRow> = { display_name: 'name', display_description: 'description', instance_type_id: 'flavor_id', access_ip_v4: 'access_ip_v4', access_ip_v6: 'access_ip_v6' };

const one = (q: Query, k: string): string | undefined => { const v = q[k]; return Array.isArray(v) ? v[v.length - 1] : v; };
const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on', ''].includes(v.toLowerCase());

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** Whether the query asks for every project, read as Nova does: present and empty, or a strict boolean (else 400). */
export function wantsAllTenants(q: Query): boolean {
  const v = one(q, 'all_tenants');
  if (v === undefined) return false;
  if (v === '' || TRUE_STRINGS.includes(v.toLowerCase())) return true;
  if (FALSE_STRINGS.includes(v.toLowerCase())) return false;
  throw badRequest(`Invalid input received: Unrecognized value '${v}', acceptable values are: ${[...FALSE_STRINGS, ...TRUE_STRINGS].sort().map((s) => `'${s}'`).join(', ')}`);
}

function pyRegex(pattern: string): RegExp {
  try { return new RegExp(pattern); } catch { throw badRequest(`Invalid regular expression in name filter: ${pattern}`); }
}

export interface ListResult { rows: InstanceRow[]; next: string | null }

export async function listServers(deps: ComputeDeps, auth: AuthContext, q: Query, version: ApiVersion): Promise<ListResult> {
  const admin = isAdmin(deps, auth);
  let query = deps.db.selectFrom('compute_instance').selectAll();
  const allTenants = admin && wantsAllTenants(q);
  const projectFilter = one(q, 'project_id') ?? one(q, 'tenant_id');
  if (!allTenants) query = query.where('project_id', '=', auth.projectId ?? '');
  else if (projectFilter) query = query.where('project_id', '=', projectFilter);

  const changesSince = one(q, 'changes-since');
  const deleted = admin && truthy(one(q, 'deleted'));
  if (changesSince !== undefined) {
    const t = Date.parse(changesSince);
    if (Number.isNaN(t)) throw badRequest(`Invalid input for query parameters changes-since. Value: ${changesSince}. '${changesSince}' is not a 'date-time'`);
    query = query.where('updated_at', '>=', new Date(t).toISOString());
  } else {
    query = query.where('deleted', '=', deleted ? 1 : 0);
  }
  const status = one(q, 'status');
  if (status !== undefined) {
    const states = STATUS_TO_VM_STATES[status.toUpperCase()];
    if (!states) {
      if (has(version, 'invalidStatusIs400')) throw badRequest(`Invalid status value`);
      return { rows: [], next: null };
    }
    query = query.where('vm_state', 'in', states);
    if (status.toUpperCase() === 'REBOOT') query = query.where('task_state', 'in', ['rebooting', 'reboot_started']);
    if (status.toUpperCase() === 'HARD_REBOOT') query = query.where('task_state', 'in', ['rebooting_hard', 'reboot_started_hard']);
  }
  const simple: Array<[string, keyof InstanceRow, boolean]> = [
    ['image', 'image_ref', false], ['flavor', 'flavor_id', false], ['reservation_id', 'reservation_id', false],
    ['uuid', 'uuid', true], ['key_name', 'key_name', true], ['availability_zone', 'availability_zone', true],
    ['host', 'host', true], ['node', 'node', true], ['user_id', 'user_id', true], ['vm_state', 'vm_state', true],
    ['task_state', 'task_state', true], ['hostname', 'hostname', true],
  ];
  for (const [param, column, adminOnly] of simple) {
    const v = one(q, param);
    if (v === undefined || (adminOnly && !admin && param !== 'uuid')) continue;
    query = query.where(column, '=', (param === 'image' || param === 'flavor' ? v.split('/').pop()! : v) as never);
  }
  const tagSets = (k: string) => (one(q, k) ?? '').split(',').filter(Boolean);
  if (has(version, 'serverTags')) {
    for (const tag of tagSets('tags')) {
      query = query.where('uuid', 'in', (eb) => eb.selectFrom('compute_instance_tag').select('instance_uuid').where('tag', '=', tag));
    }
    const any = tagSets('tags-any');
    if (any.length) query = query.where('uuid', 'in', (eb) => eb.selectFrom('compute_instance_tag').select('instance_uuid').where('tag', 'in', any));
    const not = tagSets('not-tags');
    if (not.length) {
      query = query.where((eb) => eb.not(eb.and(not.map((tag) => eb('uuid', 'in', eb.selectFrom('compute_instance_tag').select('instance_uuid').where('tag', '=', tag))))));
    }
    const notAny = tagSets('not-tags-any');
    if (notAny.length) query = query.where('uuid', 'not in', (eb) => eb.selectFrom('compute_instance_tag').select('instance_uuid').where('tag', 'in', notAny));
  }

  const sortKeys = [q.sort_key ?? []].flat();
  const sortDirs = [q.sort_dir ?? []].flat();
  for (const k of sortKeys) if (!SORT_KEYS.has(k)) throw badRequest(`Invalid sort_key: ${k}`);
  for (const d of sortDirs) if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid sort_dir: ${d}. It must be 'asc' or 'desc'.`);
  const keys = sortKeys.length ? sortKeys : ['created_at'];
  keys.forEach((k, i) => { query = query.orderBy((COLUMN[k] ?? k) as keyof InstanceRow, (sortDirs[i] ?? sortDirs[0] ?? 'desc') as 'asc' | 'desc'); });
  query = query.orderBy('uuid', 'desc');

  const limitRaw = one(q, 'limit');
  let limit = MAX_LIMIT;
  if (limitRaw !== undefined) {
    if (!/^\d+$/.test(limitRaw)) throw badRequest(`Invalid input for query parameters limit. Value: ${limitRaw}. It must be a non-negative integer.`);
    limit = Math.min(Number(limitRaw), MAX_LIMIT);
  }
  let rows = await query.execute();
  const name = one(q, 'name');
  if (name !== undefined) { const re = pyRegex(name); rows = rows.filter((r) => re.test(r.name)); }
  rows = await filterByAddress(deps, rows, one(q, 'ip'), one(q, 'ip6'));
  const marker = one(q, 'marker');
  if (marker !== undefined) {
    const i = rows.findIndex((r) => r.uuid === marker);
    if (i < 0) throw badRequest(`marker [${marker}] not found`);
    rows = rows.slice(i + 1);
  }
  const page = rows.slice(0, limit);
  // limit=0 is a valid (empty) page with nothing after it.
  return { rows: page, next: limit > 0 && page.length === limit && rows.length > limit ? page[page.length - 1]!.uuid : null };
}


/** Nova's `ip`/`ip6` filters: a regular expression matched against the server's addresses of that version. */
async function filterByAddress(deps: ComputeDeps, rows: InstanceRow[], ip: string | undefined, ip6: string | undefined): Promise<InstanceRow[]> {
  if (ip === undefined && ip6 === undefined) return rows;
  const re4 = ip === undefined ? null : pyRegex(ip);
  const re6 = ip6 === undefined ? null : pyRegex(ip6);
  const views = await deps.network.serverViews(rows.map((r) => ({ uuid: r.uuid, portIds: [] })));
  return rows.filter((r) => {
    const addrs = Object.values(views.get(r.uuid)?.addresses ?? {}).flat();
    return (!re4 || addrs.some((a) => a.version === 4 && re4.test(a.addr))) && (!re6 || addrs.some((a) => a.version === 6 && re6.test(a.addr)));
  });
}
