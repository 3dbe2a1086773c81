import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden, isUniqueViolation } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { bool, duplicateError, extraOf, int, notFoundError, parseJson, queryBool, selfLink, type IdentityDeps } from '../common.js';
import { DEFAULT_DOMAIN_ID, type DomainService } from '../domains/domains.service.js';
import type { ProjectRow } from '../identity.tables.js';
import type { ProjectCreate, ProjectListQuery, ProjectUpdate } from './projects.schemas.js';

const KNOWN = ['id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'is_domain', 'tags', 'options', 'links'];

export class ProjectService {
  constructor(private readonly deps: IdentityDeps, private readonly domains: DomainService) {}

  view(row: ProjectRow) {
    return {
      ...parseJson<Record<string, unknown>>(row.extra, {}),
      id: row.id,
      name: row.name,
      domain_id: row.domain_id,
      description: row.description,
      enabled: bool(row.enabled),
      // Keystone reports a top-level project's parent as its domain.
      parent_id: row.parent_id ?? row.domain_id,
      is_domain: false,
      tags: parseJson<string[]>(row.tags, []),
      options: {},
      links: selfLink(this.deps.config, `projects/${row.id}`),
    };
  }

  async find(id: string): Promise<ProjectRow | undefined> {
    return this.deps.db.selectFrom('project').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async get(id: string): Promise<ProjectRow> {
    const row = await this.find(id);
    if (!row) throw notFoundError('project', id);
    return row;
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_project', { project: { id } });
    return this.view(await this.get(id));
  }

  async list(auth: AuthContext, q: ProjectListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_projects', { domain_id: q.domain_id });
    if (queryBool(q.is_domain, 'is_domain')) return [];
    let query = this.deps.db.selectFrom('project').selectAll().orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.domain_id !== undefined) query = query.where('domain_id', '=', q.domain_id);
    const enabled = queryBool(q.enabled, 'enabled');
    if (enabled !== undefined) query = query.where('enabled', '=', enabled ? 1 : 0);
    if (q.parent_id !== undefined) {
      const parent = q.parent_id;
      query = query.where((eb) => eb.or([
        eb('parent_id', '=', parent),
        eb.and([eb('parent_id', 'is', null), eb('domain_id', '=', parent)]),
      ]));
    }
    let rows = (await query.execute()).map((r) => this.view(r));
    if (q.tags) {
      const all = q.tags.split(',');
      rows = rows.filter((p) => all.every((t) => p.tags.includes(t)));
    }
    if (q['tags-any']) {
      const any = q['tags-any'].split(',');
      rows = rows.filter((p) => any.some((t) => p.tags.includes(t)));
    }
    return rows;
  }

  async create(auth: AuthContext, body: ProjectCreate) {
    this.deps.policy.enforce(auth, 'identity:create_project', { project: body });
    let domainId = body.domain_id ?? auth.projectDomainId ?? auth.domainId ?? DEFAULT_DOMAIN_ID;
    let parentId: string | null = null;
    if (body.parent_id && body.parent_id !== domainId) {
      const parent = await this.find(body.parent_id);
      if (!parent) {
        if (await this.domains.find(body.parent_id)) domainId = body.parent_id;
        else throw notFoundError('project', body.parent_id);
      } else {
        if (body.domain_id && body.domain_id !== parent.domain_id) {
          throw badRequest('Cannot create a project whose parent is in another domain.');
        }
        domainId = parent.domain_id;
        parentId = parent.id;
      }
    }
    if (!(await this.domains.find(domainId))) throw notFoundError('domain', domainId);
    const row: ProjectRow = {
      id: hexId(),
      name: body.name,
      domain_id: domainId,
      parent_id: parentId,
      description: body.description ?? '',
      enabled: int(body.enabled, true),
      tags: JSON.stringify(body.tags ?? []),
      extra: JSON.stringify(extraOf(body, KNOWN)),
    };
    try {
      await this.deps.db.insertInto('project').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('project', `name ${body.name} at domain ID ${domainId}`);
      throw err;
    }
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: ProjectUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_project', { project: { id } });
    const row = await this.get(id);
    const next: ProjectRow = {
      ...row,
      name: body.name ?? row.name,
      description: body.description ?? row.description,
      enabled: int(body.enabled, bool(row.enabled)),
      tags: body.tags ? JSON.stringify(body.tags) : row.tags,
      extra: JSON.stringify({ ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) }),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      try {
        await trx.updateTable('project').set(next).where('id', '=', id).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateError('project', `name ${next.name} at domain ID ${row.domain_id}`);
        throw err;
      }
      // A disabled project's tokens stay revoked even if it is enabled again.
      if (bool(row.enabled) && !bool(next.enabled)) {
        await trx.deleteFrom('token').where('project_id', '=', id).execute();
      }
    });
    return this.view(next);
  }

  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_project', { project: { id } });
    await this.get(id);
    const child = await this.deps.db.selectFrom('project').select('id').where('parent_id', '=', id).executeTakeFirst();
    if (child) {
      throw forbidden(`Cannot delete the project ${id} since it is not a leaf in the hierarchy.`);
    }
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_assignment').where('target_type', '=', 'project').where('target_id', '=', id).execute();
      await trx.deleteFrom('token').where('project_id', '=', id).execute();
      await trx.deleteFrom('application_credential').where('project_id', '=', id).execute();
      await trx.deleteFrom('project').where('id', '=', id).execute();
    });
  }
}
