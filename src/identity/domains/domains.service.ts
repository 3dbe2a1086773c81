import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden, isUniqueViolation } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { bool, duplicateError, extraOf, int, notFoundError, parseJson, selfLink, type IdentityDeps } from '../common.js';
import type { DomainRow } from '../identity.tables.js';
import type { DomainCreate, DomainUpdate } from './domains.schemas.js';

export const DEFAULT_DOMAIN_ID = 'default';
const KNOWN = ['id', 'name', 'description', 'enabled', 'explicit_domain_id', 'tags', 'options', 'links'];

export class DomainService {
  constructor(private readonly deps: IdentityDeps) {}

  view(row: DomainRow) {
    const extra = parseJson<Record<string, unknown>>(row.extra, {});
    return {
      ...extra,
      id: row.id,
      name: row.name,
      description: row.description,
      enabled: bool(row.enabled),
      tags: (extra.tags as string[] | undefined) ?? [],
      options: {},
      links: selfLink(this.deps.config, `domains/${row.id}`),
    };
  }

  async find(id: string): Promise<DomainRow | undefined> {
    return this.deps.db.selectFrom('domain').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string): Promise<DomainRow | undefined> {
    return this.deps.db.selectFrom('domain').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async get(id: string): Promise<DomainRow> {
    const row = await this.find(id);
    if (!row) throw notFoundError('domain', id);
    return row;
  }

  async show(auth: AuthContext, id: string) {
    const row = await this.find(id);
    // Non-admins learn nothing about domains they cannot see.
    this.deps.policy.enforce(auth, 'identity:get_domain', { domain: { id } });
    if (!row) throw notFoundError('domain', id);
    return this.view(row);
  }

  async list(auth: AuthContext, q: { name?: string; enabled?: boolean }) {
    this.deps.policy.enforce(auth, 'identity:list_domains');
    let query = this.deps.db.selectFrom('domain').selectAll().orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.enabled !== undefined) query = query.where('enabled', '=', q.enabled ? 1 : 0);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: DomainCreate) {
    this.deps.policy.enforce(auth, 'identity:create_domain');
    const row: DomainRow = {
      id: body.explicit_domain_id ?? hexId(),
      name: body.name,
      description: body.description ?? '',
      enabled: int(body.enabled, true),
      extra: JSON.stringify({ ...extraOf(body, KNOWN), ...(body.tags ? { tags: body.tags } : {}) }),
    };
    try {
      await this.deps.db.insertInto('domain').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('domain', `name ${body.name}`);
      throw err;
    }
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: DomainUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_domain');
    const row = await this.get(id);
    if (id === DEFAULT_DOMAIN_ID && body.enabled === false) throw forbidden('The default domain cannot be disabled.');
    const extra = { ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) };
    if (body.tags) extra.tags = body.tags;
    const next: DomainRow = {
      ...row,
      name: body.name ?? row.name,
      description: body.description ?? row.description,
      enabled: int(body.enabled, bool(row.enabled)),
      extra: JSON.stringify(extra),
    };
    try {
      await this.deps.db.updateTable('domain').set(next).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('domain', `name ${next.name}`);
      throw err;
    }
    return this.view(next);
  }

  /** Deletes a disabled domain with everything in it, in one transaction. */
  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_domain');
    const row = await this.get(id);
    if (bool(row.enabled)) throw forbidden('Cannot delete a domain that is enabled, please disable it first.');
    if (id === DEFAULT_DOMAIN_ID) throw badRequest('The default domain cannot be deleted.');
    await this.deps.db.transaction().execute(async (trx) => {
      const projects = trx.selectFrom('project').select('id').where('domain_id', '=', id);
      const users = trx.selectFrom('identity_user').select('id').where('domain_id', '=', id);
      const groups = trx.selectFrom('identity_group').select('id').where('domain_id', '=', id);
      await trx.deleteFrom('role_assignment').where((eb) => eb.or([
        eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', id)]),
        eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', projects)]),
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', 'in', users)]),
        eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', groups)]),
      ])).execute();
      await trx.deleteFrom('token').where((eb) => eb.or([
        eb('user_id', 'in', users), eb('project_id', 'in', projects), eb('domain_id', '=', id),
      ])).execute();
      await trx.deleteFrom('identity_user').where('domain_id', '=', id).execute();
      await trx.deleteFrom('identity_group').where('domain_id', '=', id).execute();
      await trx.updateTable('project').set({ parent_id: null }).where('domain_id', '=', id).execute();
      await trx.deleteFrom('project').where('domain_id', '=', id).execute();
      await trx.deleteFrom('role').where('domain_id', '=', id).execute();
      await trx.deleteFrom('domain').where('id', '=', id).execute();
    });
  }
}
