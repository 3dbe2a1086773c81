import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { hexId, keystoneTime, secret as randomSecret } from '../../platform/ids.js';
import { effectiveRoles, expandImplied, impliedRoleMap, type RoleRef } from '../assignments/effective-roles.js';
import { bool, duplicateError, notFoundError, selfLink, type IdentityDeps } from '../common.js';
import type { AppCredRow } from '../identity.tables.js';
import { hashSecret } from '../passwords.js';
import type { AppCredCreate, AppCredListQuery } from './application-credentials.schemas.js';

const CLIENT_ERROR = ' The server could not comply with the request since it is either malformed or otherwise incorrect.'
  + ' The client is assumed to be in error.';
const invalid = (detail: string) => badRequest(`Invalid application credential: ${detail}`);
const credNotFound = (id: string) => notFound(`Could not find Application Credential: ${id}.`);

/** Keystone's `expires_at`: ISO 8601, UTC when no offset is given, never in the past. */
function parseExpiry(value: string): string {
  const iso = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/i.exec(value);
  const when = iso ? new Date(iso[4] ? value : `${value}${iso[1] ? 'Z' : 'T00:00:00Z'}`) : new Date(NaN);
  if (Number.isNaN(when.getTime())) throw badRequest(`Timestamp not in expected format.${CLIENT_ERROR}`);
  if (when.getTime() <= Date.now()) throw badRequest(`The 'expires_at' must not be before now.${CLIENT_ERROR}`);
  return when.toISOString();
}

/**
 * Application credentials: a user's secret bound to one project and a subset of the user's
 * roles there, for programs that should not hold the password. Authentication with them lives
 * in the token service; this is their management API.
 */
export class ApplicationCredentialService {
  constructor(private readonly deps: IdentityDeps) {}

  private view(row: AppCredRow, roles: RoleRef[]) {
    return {
      id: row.id,
      name: row.name,
      description: row.description === '' ? null : row.description,
      // Keystone writes this one without the zone designator.
      expires_at: row.expires_at ? keystoneTime(new Date(row.expires_at)).replace(/Z$/, '') : null,
      project_id: row.project_id,
      roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: r.domain_id })),
      unrestricted: bool(row.unrestricted),
      access_rules: [],
      links: selfLink(this.deps.config, `users/${row.user_id}/application_credentials/${row.id}`),
    };
  }

  /** Roles of each credential, in one query. */
  private async rolesOf(ids: string[]): Promise<Map<string, RoleRef[]>> {
    const out = new Map<string, RoleRef[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.deps.db.selectFrom('application_credential_role')
      .innerJoin('role', 'role.id', 'application_credential_role.role_id')
      .select(['application_credential_role.app_cred_id', 'role.id', 'role.name', 'role.domain_id'])
      .where('application_credential_role.app_cred_id', 'in', ids).orderBy('role.name').execute();
    for (const r of rows) out.get(r.app_cred_id)!.push({ id: r.id, name: r.name, domain_id: r.domain_id || null });
    return out;
  }

  /** A restricted credential must not mint or remove credentials (else it could outlive itself). */
  private refuseRestricted(auth: AuthContext): void {
    if (auth.methods.includes('application_credential') && !auth.unrestricted) {
      throw forbidden("You are not authorized to perform the requested action: Using method 'application_credential' "
        + 'is not allowed for managing additional application credentials.');
    }
  }

  private async userExists(userId: string): Promise<void> {
    const user = await this.deps.db.selectFrom('identity_user').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw notFoundError('user', userId);
  }

  async create(auth: AuthContext, userId: string, body: AppCredCreate) {
    this.deps.policy.enforce(auth, 'identity:create_application_credential', { user: { id: userId } });
    this.refuseRestricted(auth);
    if (auth.userId !== userId) {
      throw forbidden('You are not authorized to perform the requested action: Cannot create an application credential for another user.');
    }
    const projectId = auth.projectId;
    if (!projectId) throw forbidden('Application credentials can only be created with a project-scoped token.');
    if (body.access_rules?.length) throw badRequest('Access rules for application credentials are not supported by this cloud.');
    if (body.system != null) throw badRequest('System-scoped application credentials are not supported by this cloud.');
    const expiresAt = body.expires_at ? parseExpiry(body.expires_at) : null;
    const roles = await this.chooseRoles(auth, projectId, body.roles ?? []);

    const plain = body.secret || randomSecret(64);
    const row: AppCredRow = {
      id: hexId(),
      name: body.name,
      user_id: userId,
      project_id: projectId,
      secret_hash: await hashSecret(plain),
      description: body.description ?? '',
      expires_at: expiresAt,
      unrestricted: body.unrestricted ? 1 : 0,
      created_at: new Date().toISOString(),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await trx.insertInto('application_credential').values(row).execute();
        await trx.insertInto('application_credential_role')
          .values(roles.map((r) => ({ app_cred_id: row.id, role_id: r.id }))).execute();
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('application_credential', `name ${body.name}`);
      throw err;
    }
    // The only time the secret is shown: only its hash is kept.
    return { ...this.view(row, roles), secret: plain };
  }

  /**
   * The token's roles by default; asked-for roles (with what they imply) must all be in the
   * token, so a credential never holds more than its creator had at hand.
   */
  private async chooseRoles(auth: AuthContext, projectId: string, asked: { id?: string; name?: string }[]): Promise<RoleRef[]> {
    const held = (await effectiveRoles(this.deps.db, auth.userId, 'project', projectId))
      .filter((r) => auth.roles.includes(r.name));
    if (!asked.length) return held;
    const ids: string[] = [];
    for (const ref of asked) {
      if (ref.id) { ids.push(ref.id); continue; }
      const name = ref.name!;
      const mine = held.find((r) => r.name === name);
      if (mine) { ids.push(mine.id); continue; }
      const global = await this.deps.db.selectFrom('role').select('id')
        .where('name', '=', name).where('domain_id', '=', '').executeTakeFirst();
      if (!global) throw notFound(`Role ${name} is not defined`);
      ids.push(global.id);
    }
    const byId = new Map(held.map((r) => [r.id, r]));
    for (const id of expandImplied(ids, await impliedRoleMap(this.deps.db))) {
      if (!byId.has(id)) throw invalid('Cannot create an application credential with unassigned role');
    }
    // Stored as asked, as Keystone does; what they imply is added when a token is made.
    return [...new Set(ids)].map((id) => byId.get(id)!).sort((a, b) => a.name.localeCompare(b.name));
  }

  async list(auth: AuthContext, userId: string, q: AppCredListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_application_credentials', { user: { id: userId } });
    await this.userExists(userId);
    let query = this.deps.db.selectFrom('application_credential').selectAll().where('user_id', '=', userId).orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    const rows = await query.execute();
    const roles = await this.rolesOf(rows.map((r) => r.id));
    return rows.map((r) => this.view(r, roles.get(r.id)!));
  }

  /**
   * Finds the credential and checks policy against its real owner, not the user named in the
   * path, so nobody reaches another user's credential by putting their own id in the URL.
   */
  private async owned(auth: AuthContext, action: string, userId: string, id: string): Promise<AppCredRow> {
    const row = await this.deps.db.selectFrom('application_credential').selectAll().where('id', '=', id).executeTakeFirst();
    this.deps.policy.enforce(auth, action, { user: { id: row?.user_id ?? userId } });
    if (!row || row.user_id !== userId) throw credNotFound(id);
    return row;
  }

  async show(auth: AuthContext, userId: string, id: string) {
    const row = await this.owned(auth, 'identity:get_application_credential', userId, id);
    return this.view(row, (await this.rolesOf([id])).get(id)!);
  }

  /** Deletes the credential and revokes every token issued from it. */
  async remove(auth: AuthContext, userId: string, id: string) {
    await this.owned(auth, 'identity:delete_application_credential', userId, id);
    this.refuseRestricted(auth);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('token').where('app_cred_id', '=', id).execute();
      await trx.deleteFrom('application_credential_role').where('app_cred_id', '=', id).execute();
      await trx.deleteFrom('application_credential').where('id', '=', id).execute();
    });
  }
}
