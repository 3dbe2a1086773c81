import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, isUniqueViolation, notFound } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { duplicateError, notFoundError, queryBool, selfLink, type IdentityDeps } from '../common.js';
import { DEFAULT_DOMAIN_ID, type DomainService } from '../domains/domains.service.js';
import type { GroupRow, UserRow } from '../identity.tables.js';
import type { UserService } from '../users/users.service.js';
import type { GroupCreate, GroupListQuery, GroupUpdate, GroupUsersQuery } from './groups.schemas.js';

const notMember = (userId: string, groupId: string) => notFound(`User '${userId}' not found in group '${groupId}'.`);

/** Groups and their memberships. A group's roles reach its members through effective-roles.ts. */
export class GroupService {
  constructor(private readonly deps: IdentityDeps, private readonly domains: DomainService, private readonly users: UserService) {}

  view(row: GroupRow) {
    return {
      id: row.id,
      name: row.name,
      domain_id: row.domain_id,
      description: row.description,
      links: selfLink(this.deps.config, `groups/${row.id}`),
    };
  }

  async find(id: string): Promise<GroupRow | undefined> {
    return this.deps.db.selectFrom('identity_group').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async get(id: string): Promise<GroupRow> {
    const row = await this.find(id);
    if (!row) throw notFoundError('group', id);
    return row;
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_group', { group: { id } });
    return this.view(await this.get(id));
  }

  async list(auth: AuthContext, q: GroupListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_groups', { domain_id: q.domain_id });
    let query = this.deps.db.selectFrom('identity_group').selectAll().orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.domain_id !== undefined) query = query.where('domain_id', '=', q.domain_id);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: GroupCreate) {
    this.deps.policy.enforce(auth, 'identity:create_group', { group: body });
    const domainId = body.domain_id ?? auth.projectDomainId ?? auth.domainId ?? DEFAULT_DOMAIN_ID;
    if (!(await this.domains.find(domainId))) throw notFoundError('domain', domainId);
    const row: GroupRow = { id: hexId(), name: body.name, domain_id: domainId, description: body.description ?? '' };
    try {
      await this.deps.db.insertInto('identity_group').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('group', `name ${body.name} at domain ID ${domainId}`);
      throw err;
    }
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: GroupUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_group', { group: { id } });
    const row = await this.get(id);
    if (body.domain_id !== undefined && body.domain_id !== row.domain_id) {
      throw badRequest('Update of `domain_id` is not allowed.');
    }
    const next: GroupRow = { ...row, name: body.name ?? row.name, description: body.description ?? row.description };
    try {
      await this.deps.db.updateTable('identity_group').set({ name: next.name, description: next.description })
        .where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('group', `name ${next.name} at domain ID ${row.domain_id}`);
      throw err;
    }
    return this.view(next);
  }

  /** Deletes the group with its memberships and role assignments. */
  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_group', { group: { id } });
    await this.get(id);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_assignment').where('actor_type', '=', 'group').where('actor_id', '=', id).execute();
      await trx.deleteFrom('group_membership').where('group_id', '=', id).execute();
      await trx.deleteFrom('identity_group').where('id', '=', id).execute();
    });
  }

  /** Checks policy, then that both exist: 404 names whichever is missing. */
  private async pair(auth: AuthContext, action: string, groupId: string, userId: string): Promise<void> {
    this.deps.policy.enforce(auth, action, { group: { id: groupId }, user: { id: userId } });
    await this.get(groupId);
    await this.users.get(userId);
  }

  /** Idempotent: adding a member twice is not an error. */
  async addUser(auth: AuthContext, groupId: string, userId: string) {
    await this.pair(auth, 'identity:add_user_to_group', groupId, userId);
    await this.deps.db.insertInto('group_membership').values({ group_id: groupId, user_id: userId })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
  }

  async removeUser(auth: AuthContext, groupId: string, userId: string) {
    await this.pair(auth, 'identity:remove_user_from_group', groupId, userId);
    const res = await this.deps.db.deleteFrom('group_membership')
      .where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notMember(userId, groupId);
  }

  async checkUser(auth: AuthContext, groupId: string, userId: string) {
    await this.pair(auth, 'identity:check_user_in_group', groupId, userId);
    const row = await this.deps.db.selectFrom('group_membership').select('user_id')
      .where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw notMember(userId, groupId);
  }

  async listUsers(auth: AuthContext, groupId: string, q: GroupUsersQuery) {
    this.deps.policy.enforce(auth, 'identity:list_users_in_group', { group: { id: groupId } });
    await this.get(groupId);
    let query = this.deps.db.selectFrom('identity_user').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('group_membership').select('user_id').where('group_id', '=', groupId))
      .orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.domain_id !== undefined) query = query.where('domain_id', '=', q.domain_id);
    const enabled = queryBool(q.enabled, 'enabled');
    if (enabled !== undefined) query = query.where('enabled', '=', enabled ? 1 : 0);
    return (await query.execute() as UserRow[]).map((r) => this.users.view(r));
  }

  async listForUser(auth: AuthContext, userId: string, q: { name?: string }) {
    this.deps.policy.enforce(auth, 'identity:list_groups_for_user', { user: { id: userId } });
    await this.users.get(userId);
    let query = this.deps.db.selectFrom('identity_group').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('group_membership').select('group_id').where('user_id', '=', userId))
      .orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    // Nubis memberships never expire; Keystone reports null for such memberships.
    return (await query.execute()).map((r) => ({ ...this.view(r), membership_expires_at: null }));
  }
}
