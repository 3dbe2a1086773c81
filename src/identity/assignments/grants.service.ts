import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { notFoundError, type IdentityDeps } from '../common.js';
import type { DomainService } from '../domains/domains.service.js';
import type { GroupService } from '../groups/groups.service.js';
import type { ProjectService } from '../projects/projects.service.js';
import type { RoleService } from '../roles/roles.service.js';
import type { UserService } from '../users/users.service.js';
import type { TargetType } from './effective-roles.js';

export type ActorType = 'user' | 'group';

/** One grant's coordinates: who, where (system's target id is 'all'), and, for a single grant, which role. */
export interface GrantKey { actorType: ActorType; actorId: string; targetType: TargetType; targetId: string }

const SYSTEM_ALL = 'all';

const assignmentNotFound = (k: GrantKey, roleId: string) => notFound(
  `Could not find role assignment with role: ${roleId}, user or group: ${k.actorId}, project, domain, or system: ${k.targetId}.`);

/**
 * Direct role grants on projects, domains and the system. Tokens recompute their roles at every
 * validation (effective-roles.ts), so a revoked grant stops working at once.
 */
export class GrantService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly lookups: { domains: DomainService; projects: ProjectService; users: UserService; groups: GroupService; roles: RoleService },
  ) {}

  /** Policy rule names as Keystone spells them: system grants have their own. */
  private action(verb: 'check' | 'create' | 'revoke' | 'list', k: GrantKey): string {
    if (k.targetType !== 'system') return verb === 'list' ? 'identity:list_grants' : `identity:${verb}_grant`;
    const suffix = `system_grant${verb === 'list' ? 's' : ''}_for_${k.actorType}`;
    return `identity:${verb}_${suffix}`;
  }

  private enforce(auth: AuthContext, verb: 'check' | 'create' | 'revoke' | 'list', k: GrantKey, roleId?: string) {
    this.deps.policy.enforce(auth, this.action(verb, k), {
      [k.actorType]: { id: k.actorId },
      ...(k.targetType === 'system' ? { system: SYSTEM_ALL } : { [k.targetType]: { id: k.targetId } }),
      ...(roleId ? { role: { id: roleId } } : {}),
    });
  }

  /** 404 for an unknown actor or target; returns the project's domain for the role check. */
  private async resolve(k: GrantKey): Promise<{ projectDomainId?: string }> {
    if (k.actorType === 'user') await this.lookups.users.get(k.actorId);
    else await this.lookups.groups.get(k.actorId);
    if (k.targetType === 'project') return { projectDomainId: (await this.lookups.projects.get(k.targetId)).domain_id };
    if (k.targetType === 'domain') await this.lookups.domains.get(k.targetId);
    else if (k.targetId !== SYSTEM_ALL) throw notFoundError('system', k.targetId);
    return {};
  }

  private row(k: GrantKey, roleId: string) {
    return { actor_type: k.actorType, actor_id: k.actorId, target_type: k.targetType, target_id: k.targetId, role_id: roleId };
  }

  private async exists(k: GrantKey, roleId: string): Promise<boolean> {
    const found = await this.deps.db.selectFrom('role_assignment').select('role_id')
      .where('actor_type', '=', k.actorType).where('actor_id', '=', k.actorId)
      .where('target_type', '=', k.targetType).where('target_id', '=', k.targetId)
      .where('role_id', '=', roleId).executeTakeFirst();
    return found !== undefined;
  }

  /** Idempotent: granting a role twice is not an error. */
  async create(auth: AuthContext, k: GrantKey, roleId: string) {
    this.enforce(auth, 'create', k, roleId);
    const role = await this.lookups.roles.get(roleId);
    const { projectDomainId } = await this.resolve(k);
    if (role.domain_id && k.targetType === 'system') {
      throw badRequest(`Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`);
    }
    if (role.domain_id && projectDomainId !== undefined && role.domain_id !== projectDomainId) {
      throw forbidden(`Project ${k.targetId} must be in the same domain as the role ${roleId} being assigned.`);
    }
    await this.deps.db.insertInto('role_assignment').values(this.row(k, roleId))
      .onConflict((oc) => oc.columns(['actor_type', 'actor_id', 'target_type', 'target_id', 'role_id']).doNothing())
      .execute();
  }

  async check(auth: AuthContext, k: GrantKey, roleId: string) {
    this.enforce(auth, 'check', k, roleId);
    await this.lookups.roles.get(roleId);
    await this.resolve(k);
    if (!(await this.exists(k, roleId))) throw assignmentNotFound(k, roleId);
  }

  async revoke(auth: AuthContext, k: GrantKey, roleId: string) {
    this.enforce(auth, 'revoke', k, roleId);
    await this.lookups.roles.get(roleId);
    await this.resolve(k);
    const res = await this.deps.db.deleteFrom('role_assignment')
      .where('actor_type', '=', k.actorType).where('actor_id', '=', k.actorId)
      .where('target_type', '=', k.targetType).where('target_id', '=', k.targetId)
      .where('role_id', '=', roleId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw assignmentNotFound(k, roleId);
  }

  /** The roles granted directly to the actor on the target (no groups, no implied roles). */
  async list(auth: AuthContext, k: GrantKey) {
    this.enforce(auth, 'list', k);
    await this.resolve(k);
    const rows = await this.deps.db.selectFrom('role').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('role_assignment').select('role_id')
        .where('actor_type', '=', k.actorType).where('actor_id', '=', k.actorId)
        .where('target_type', '=', k.targetType).where('target_id', '=', k.targetId))
      .orderBy('name').execute();
    return rows.map((r) => this.lookups.roles.view(r));
  }
}
