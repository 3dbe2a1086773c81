// Server groups: list, show, create (quota server_groups, serialised per project), delete.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { badRequest, notFound } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { enforce, now, target } from '../common.js';
import type { ServerGroupRow } from '../compute.tables.js';
import type { ApiVersion } from '../microversions.js';
import { quotaExceeded, quotaLimits, serverGroupUsage } from '../quotas/quota-limits.js';
import { parseServerGroupBody } from './server-groups.body.js';
import { membersOf, serverGroupView } from './server-group-view.js';

const MAX_LIMIT = 1000;
type Query = Record<string, string | string[] | undefined>;

const groupNotFound = (id: string) => notFound(`Instance group ${id} could not be found.`);
const param = (q: Query, name: string): string | undefined => { const v = q[name]; return Array.isArray(v) ? v[v.length - 1] : v; };
const truthy = (v: string): boolean => ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase());

/** Nova's common.limited: `limit` (capped at 1000; 0 means the cap) and `offset`, both non-negative integers. */
export function limitAndOffset(q: Query): { limit: number; offset: number } {
  const read = (name: string, fallback: number): number => {
    const raw = param(q, name);
    if (raw === undefined) return fallback;
    if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest(`${name} param must be an integer`);
    const n = Number(raw);
    if (n < 0) throw badRequest(`${name} param must be positive`);
    return n;
  };
  return { limit: Math.min(read('limit', MAX_LIMIT) || MAX_LIMIT, MAX_LIMIT), offset: read('offset', 0) };
}

export class ServerGroupService {
  constructor(private readonly deps: ComputeDeps) {}

  async list(auth: AuthContext, q: Query, v: ApiVersion): Promise<Record<string, unknown>[]> {
    enforce(this.deps, auth, 'os-server-groups:index', target(auth));
    const allRaw = param(q, 'all_projects');
    const all = allRaw !== undefined && truthy(allRaw);
    if (all) enforce(this.deps, auth, 'os-server-groups:index:all_projects', target(auth));
    const { limit, offset } = limitAndOffset(q);
    let query = this.deps.db.selectFrom('compute_server_group').selectAll().orderBy('created_at').orderBy('id');
    if (!all) query = query.where('project_id', '=', auth.projectId ?? '');
    const rows = await query.limit(limit).offset(offset).execute();
    const members = await membersOf(this.deps.db, rows.map((g) => g.id));
    return rows.map((g) => serverGroupView(g, members.get(g.id) ?? [], v));
  }

  private async load(id: string): Promise<ServerGroupRow> {
    const g = await this.deps.db.selectFrom('compute_server_group').selectAll().where('id', '=', id).executeTakeFirst();
    if (!g) throw groupNotFound(id);
    return g;
  }

  async show(auth: AuthContext, id: string, v: ApiVersion): Promise<Record<string, unknown>> {
    const g = await this.load(id);
    enforce(this.deps, auth, 'os-server-groups:show', target(auth, g.project_id, g.user_id));
    return serverGroupView(g, (await membersOf(this.deps.db, [g.id])).get(g.id) ?? [], v);
  }

  async create(auth: AuthContext, body: unknown, v: ApiVersion): Promise<Record<string, unknown>> {
    enforce(this.deps, auth, 'os-server-groups:create', target(auth));
    const input = parseServerGroupBody(body, v);
    const projectId = auth.projectId;
    if (!projectId) throw badRequest('Server groups belong to a project: use a project-scoped token.');
    const row: ServerGroupRow = {
      id: randomUUID(), name: input.name, project_id: projectId, user_id: auth.userId, policy: input.policy,
      rules: JSON.stringify(input.rules), created_at: now(),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `quota:${projectId}`);
      const limit = (await quotaLimits(trx, this.deps.config.compute, projectId)).server_groups;
      const used = await serverGroupUsage(trx, projectId);
      if (limit >= 0 && used + 1 > limit) throw quotaExceeded('server_groups', 1, used, limit);
      await trx.insertInto('compute_server_group').values(row).execute();
    });
    return serverGroupView(row, [], v);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const g = await this.load(id);
    enforce(this.deps, auth, 'os-server-groups:delete', target(auth, g.project_id, g.user_id));
    // Members go with the group (foreign key cascade); the servers themselves stay.
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('compute_server_group_member').where('group_id', '=', id).execute();
      await trx.deleteFrom('compute_server_group').where('id', '=', id).execute();
    });
  }
}
