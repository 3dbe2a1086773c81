import type { AuthContext } from '../../platform/auth-context.js';
import { isUniqueViolation, unauthorized } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { bool, duplicateError, extraOf, int, notFoundError, parseJson, queryBool, selfLink, type IdentityDeps } from '../common.js';
import { DEFAULT_DOMAIN_ID, type DomainService } from '../domains/domains.service.js';
import type { UserRow } from '../identity.tables.js';
import { hashSecret, verifySecret } from '../passwords.js';
import type { UserCreate, UserListQuery, UserUpdate } from './users.schemas.js';

const KNOWN = ['id', 'name', 'domain_id', 'password', 'enabled', 'default_project_id', 'options', 'links',
  'password_expires_at', 'original_password'];

export class UserService {
  constructor(private readonly deps: IdentityDeps, private readonly domains: DomainService) {}

  /** The user as the API shows it: never the password hash. */
  view(row: UserRow) {
    return {
      ...parseJson<Record<string, unknown>>(row.extra, {}),
      id: row.id,
      name: row.name,
      domain_id: row.domain_id,
      enabled: bool(row.enabled),
      ...(row.default_project_id ? { default_project_id: row.default_project_id } : {}),
      password_expires_at: null,
      options: {},
      links: selfLink(this.deps.config, `users/${row.id}`),
    };
  }

  async find(id: string): Promise<UserRow | undefined> {
    return this.deps.db.selectFrom('identity_user').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string, domainId: string): Promise<UserRow | undefined> {
    return this.deps.db.selectFrom('identity_user').selectAll()
      .where('name', '=', name).where('domain_id', '=', domainId).executeTakeFirst();
  }

  async get(id: string): Promise<UserRow> {
    const row = await this.find(id);
    if (!row) throw notFoundError('user', id);
    return row;
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_user', { user: { id } });
    return this.view(await this.get(id));
  }

  async list(auth: AuthContext, q: UserListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_users', { domain_id: q.domain_id });
    let query = this.deps.db.selectFrom('identity_user').selectAll().orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.domain_id !== undefined) query = query.where('domain_id', '=', q.domain_id);
    const enabled = queryBool(q.enabled, 'enabled');
    if (enabled !== undefined) query = query.where('enabled', '=', enabled ? 1 : 0);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: UserCreate) {
    this.deps.policy.enforce(auth, 'identity:create_user', { user: body });
    const domainId = body.domain_id ?? auth.projectDomainId ?? auth.domainId ?? DEFAULT_DOMAIN_ID;
    if (!(await this.domains.find(domainId))) throw notFoundError('domain', domainId);
    const row: UserRow = {
      id: hexId(),
      name: body.name,
      domain_id: domainId,
      enabled: int(body.enabled, true),
      password_hash: body.password ? await hashSecret(body.password) : null,
      default_project_id: body.default_project_id ?? null,
      extra: JSON.stringify(extraOf(body, KNOWN)),
      created_at: new Date().toISOString(),
      password_changed_at: null,
    };
    try {
      await this.deps.db.insertInto('identity_user').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('user', `name ${body.name} at domain ID ${domainId}`);
      throw err;
    }
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: UserUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_user', { user: { id } });
    const row = await this.get(id);
    const newPassword = body.password !== undefined;
    const next: UserRow = {
      ...row,
      name: body.name ?? row.name,
      enabled: int(body.enabled, bool(row.enabled)),
      default_project_id: body.default_project_id === undefined ? row.default_project_id : body.default_project_id,
      password_hash: newPassword ? (body.password ? await hashSecret(body.password) : null) : row.password_hash,
      password_changed_at: newPassword ? new Date().toISOString() : row.password_changed_at,
      extra: JSON.stringify({ ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) }),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      try {
        await trx.updateTable('identity_user').set(next).where('id', '=', id).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateError('user', `name ${next.name} at domain ID ${row.domain_id}`);
        throw err;
      }
      // A new password or disabling the user ends every session the user had.
      if (newPassword || (bool(row.enabled) && !bool(next.enabled))) {
        await trx.deleteFrom('token').where('user_id', '=', id).execute();
      }
    });
    return this.view(next);
  }

  /** The user's own password change: needs the current password, revokes the user's tokens. */
  async changePassword(auth: AuthContext, id: string, original: string, password: string) {
    this.deps.policy.enforce(auth, 'identity:change_password', { user: { id } });
    const row = await this.get(id);
    if (!(await verifySecret(original, row.password_hash))) throw unauthorized();
    const hash = await hashSecret(password);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('identity_user')
        .set({ password_hash: hash, password_changed_at: new Date().toISOString() })
        .where('id', '=', id).execute();
      await trx.deleteFrom('token').where('user_id', '=', id).execute();
    });
  }

  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_user', { user: { id } });
    await this.get(id);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_assignment').where('actor_type', '=', 'user').where('actor_id', '=', id).execute();
      await trx.deleteFrom('token').where('user_id', '=', id).execute();
      await trx.deleteFrom('identity_user').where('id', '=', id).execute();
    });
  }
}
