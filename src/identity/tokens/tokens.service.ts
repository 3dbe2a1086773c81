import { createHash } from 'node:crypto';
import type { AuthContext, TokenValidator } from '../../platform/auth-context.js';
import { badRequest, unauthorized } from '../../platform/errors.js';
import { secret } from '../../platform/ids.js';
import { effectiveRoles, expandImplied, impliedRoleMap, type RoleRef } from '../assignments/effective-roles.js';
import { bool, parseJson, type IdentityDeps } from '../common.js';
import type { AppCredRow, DomainRow, ProjectRow, TokenRow, UserRow } from '../identity.tables.js';
import { verifyAgainstNothing, verifySecret } from '../passwords.js';
import { readGeneration } from '../validity-generation.js';
import type { AuthIdentity, AuthRequest, AuthScope } from './auth-request.schemas.js';
import { ValidationCache } from './token-cache.js';
import { loadByHash, loadForRow, type TokenParts } from './token-lookup.js';

/** A valid token with everything its body and the policy engine need, read fresh from the DB. */
export interface ResolvedToken extends TokenParts {
  system: boolean;
  roles: RoleRef[];
}

interface Identified { user: UserRow; methods: string[]; appCred?: AppCredRow; fromToken?: ResolvedToken }

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

// One message whatever was wrong, so a caller cannot tell unknown users from wrong passwords.
const denied = () => unauthorized('The request you have made requires authentication.');

/**
 * Issues, validates and revokes tokens. Tokens are random bearer strings stored as SHA-256
 * hashes (primary key), so validation is one indexed lookup (joined with what the token refers
 * to) and revocation is a row delete. A validation is remembered only while the identity
 * validity generation stands still (any identity write moves it, in any process), so a
 * revocation or a removed role takes effect at once everywhere.
 */
export class TokenService implements TokenValidator {
  private readonly validated = new ValidationCache<ResolvedToken>();

  constructor(private readonly deps: IdentityDeps) {}

  private get db() { return this.deps.db; }

  async issue(req: AuthRequest): Promise<{ token: string; resolved: ResolvedToken }> {
    const { identity, scope } = req.auth;
    const who = await this.identify(identity);
    const now = new Date();
    const expires = who.fromToken
      ? new Date(who.fromToken.row.expires_at)
      : new Date(now.getTime() + this.deps.config.tokenExpirationSeconds * 1000);
    if (who.appCred?.expires_at && new Date(who.appCred.expires_at) < expires) expires.setTime(Date.parse(who.appCred.expires_at));

    const target = await this.resolveScope(who, scope);
    const token = secret(32);
    const row: TokenRow = {
      id_hash: hashToken(token),
      user_id: who.user.id,
      project_id: target.project?.id ?? null,
      domain_id: target.domain?.id ?? null,
      system: target.system ? 1 : 0,
      methods: JSON.stringify(who.methods),
      audit_id: secret(16),
      issued_at: now.toISOString(),
      expires_at: expires.toISOString(),
      app_cred_id: who.appCred?.id ?? null,
    };
    const resolved = await this.resolveRow(row);
    if (!resolved) throw denied();
    await this.db.insertInto('token').values(row).execute();
    return { token, resolved };
  }

  /** The token's current meaning, or null if it is unknown, expired, revoked or lost its access. */
  async resolve(token: string): Promise<ResolvedToken | null> {
    const hash = hashToken(token);
    // Read before the token's data, so a cached result is never newer than its generation says.
    const generation = await readGeneration(this.db);
    const cached = this.validated.get(hash, generation);
    if (cached) return expired(cached, new Date().toISOString()) ? null : cached;
    const parts = await loadByHash(this.db, hash);
    const resolved = parts ? await this.check(parts) : null;
    if (resolved) this.validated.set(hash, generation, resolved);
    return resolved;
  }

  async authenticate(token: string): Promise<AuthContext | null> {
    const r = await this.resolve(token);
    return r ? toAuthContext(r) : null;
  }

  /** Revokes one token; false if it was not valid. */
  async revoke(token: string): Promise<boolean> {
    const res = await this.db.deleteFrom('token').where('id_hash', '=', hashToken(token)).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async purgeExpired(): Promise<number> {
    const res = await this.db.deleteFrom('token').where('expires_at', '<=', new Date().toISOString()).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private async resolveRow(row: TokenRow): Promise<ResolvedToken | null> {
    const parts = await loadForRow(this.db, row);
    return parts ? this.check(parts) : null;
  }

  /** The validity rules, applied to what a token refers to; then its roles, computed now. */
  private async check(parts: TokenParts): Promise<ResolvedToken | null> {
    const { row, user, userDomain } = parts;
    if (!bool(user.enabled) || !bool(userDomain.enabled)) return null;
    const out: ResolvedToken = { row, user, userDomain, system: bool(row.system), roles: [] };
    if (row.app_cred_id) {
      if (!parts.appCred) return null;
      out.appCred = parts.appCred;
    }
    if (expired(out, new Date().toISOString())) return null;
    if (row.project_id) {
      const { project, projectDomain } = parts;
      if (!project || !bool(project.enabled) || !projectDomain || !bool(projectDomain.enabled)) return null;
      out.project = project;
      out.projectDomain = projectDomain;
      out.roles = await effectiveRoles(this.db, user.id, 'project', row.project_id);
    } else if (row.domain_id) {
      if (!parts.domain || !bool(parts.domain.enabled)) return null;
      out.domain = parts.domain;
      out.roles = await effectiveRoles(this.db, user.id, 'domain', row.domain_id);
    } else if (out.system) {
      out.roles = await effectiveRoles(this.db, user.id, 'system', 'all');
    } else {
      return out; // unscoped: no roles, still a valid identity
    }
    if (out.appCred) {
      const allowed = await this.db.selectFrom('application_credential_role').select('role_id')
        .where('app_cred_id', '=', out.appCred.id).execute();
      const ids = expandImplied(allowed.map((r) => r.role_id), await impliedRoleMap(this.db));
      out.roles = out.roles.filter((r) => ids.has(r.id));
    }
    return out.roles.length ? out : null;
  }

  private domainRow(id: string): Promise<DomainRow | undefined> {
    return this.db.selectFrom('domain').selectAll().where('id', '=', id).executeTakeFirst();
  }

  private async findDomain(ref: { id?: string; name?: string } | undefined): Promise<DomainRow | undefined> {
    if (ref?.id) return this.domainRow(ref.id);
    if (ref?.name) return this.db.selectFrom('domain').selectAll().where('name', '=', ref.name).executeTakeFirst();
    return undefined;
  }

  private async findUser(ref: { id?: string; name?: string; domain?: { id?: string; name?: string } }): Promise<UserRow | undefined> {
    if (ref.id) return this.db.selectFrom('identity_user').selectAll().where('id', '=', ref.id).executeTakeFirst();
    if (!ref.name) throw badRequest('Expecting to find user id, or user name and domain, in the request.');
    if (!ref.domain?.id && !ref.domain?.name) throw badRequest('A user name needs its domain (id or name).');
    const domain = await this.findDomain(ref.domain);
    if (!domain) return undefined;
    return this.db.selectFrom('identity_user').selectAll()
      .where('name', '=', ref.name).where('domain_id', '=', domain.id).executeTakeFirst();
  }

  /** Establishes who is authenticating, by the first method in the request. */
  private async identify(identity: AuthIdentity): Promise<Identified> {
    const method = identity.methods[0];
    let who: Identified;
    if (method === 'password') {
      const ref = identity.password?.user;
      if (!ref || ref.password === undefined) throw badRequest('Expecting to find password.user with a password in the request.');
      const user = await this.findUser(ref);
      if (!user) throw (await verifyAgainstNothing(ref.password), denied());
      if (!(await verifySecret(ref.password, user.password_hash))) throw denied();
      who = { user, methods: ['password'] };
    } else if (method === 'application_credential') {
      who = await this.identifyAppCred(identity.application_credential);
    } else if (method === 'token') {
      if (!identity.token) throw badRequest('Expecting to find token.id in the request.');
      const from = await this.resolve(identity.token.id);
      if (!from) throw unauthorized('The token to rescope is not valid.');
      if (from.appCred) throw unauthorized('A token from an application credential cannot be rescoped.');
      who = { user: from.user, methods: ['token', ...parseJson<string[]>(from.row.methods, []).filter((m) => m !== 'token')], fromToken: from };
    } else {
      throw unauthorized(`Attempted to authenticate with an unsupported method: ${method}.`);
    }
    if (!bool(who.user.enabled)) throw denied();
    const domain = await this.domainRow(who.user.domain_id);
    if (!domain || !bool(domain.enabled)) throw denied();
    return who;
  }

  private async identifyAppCred(ref: AuthIdentity['application_credential']): Promise<Identified> {
    if (!ref) throw badRequest('Expecting to find application_credential in the request.');
    let cred: AppCredRow | undefined;
    if (ref.id) {
      cred = await this.db.selectFrom('application_credential').selectAll().where('id', '=', ref.id).executeTakeFirst();
    } else if (ref.name && ref.user) {
      const user = await this.findUser(ref.user);
      cred = user && await this.db.selectFrom('application_credential').selectAll()
        .where('name', '=', ref.name).where('user_id', '=', user.id).executeTakeFirst();
    } else {
      throw badRequest('Expecting to find application_credential id, or name and user, in the request.');
    }
    if (!cred) throw (await verifyAgainstNothing(ref.secret), denied());
    if (!(await verifySecret(ref.secret, cred.secret_hash))) throw denied();
    if (cred.expires_at && cred.expires_at <= new Date().toISOString()) throw denied();
    const user = await this.db.selectFrom('identity_user').selectAll().where('id', '=', cred.user_id).executeTakeFirst();
    if (!user) throw denied();
    return { user, methods: ['application_credential'], appCred: cred };
  }

  /** Finds what the token is for; 401 if the user holds no role there. */
  private async resolveScope(who: Identified, scope: AuthScope | undefined): Promise<{ project?: ProjectRow; domain?: DomainRow; system: boolean }> {
    if (who.appCred) {
      if (scope && scope !== 'unscoped' && (scope.domain || scope.system ||
        (scope.project?.id && scope.project.id !== who.appCred.project_id))) {
        throw unauthorized('An application credential is bound to its project and cannot be scoped elsewhere.');
      }
      const project = await this.db.selectFrom('project').selectAll().where('id', '=', who.appCred.project_id).executeTakeFirst();
      if (!project) throw denied();
      return { project, system: false };
    }
    if (scope === 'unscoped') return { system: false };
    if (!scope) {
      // No scope asked: the user's default project if it still gives access, else unscoped.
      const pid = who.user.default_project_id;
      if (pid && (await effectiveRoles(this.db, who.user.id, 'project', pid)).length) {
        const project = await this.db.selectFrom('project').selectAll().where('id', '=', pid).executeTakeFirst();
        if (project && bool(project.enabled)) return { project, system: false };
      }
      return { system: false };
    }
    const asked = [scope.project, scope.domain, scope.system].filter((s) => s !== undefined).length;
    if (asked !== 1) throw badRequest('Specify exactly one of project, domain or system in the scope.');
    if (scope.system) {
      if (!scope.system.all) throw badRequest('Only the system scope {"all": true} exists.');
      if (!(await effectiveRoles(this.db, who.user.id, 'system', 'all')).length) {
        throw unauthorized(`User ${who.user.id} has no access to the system.`);
      }
      return { system: true };
    }
    if (scope.domain) {
      const domain = await this.findDomain(scope.domain);
      if (!domain) throw unauthorized(`Could not find the domain to scope to.`);
      if (!bool(domain.enabled)) throw unauthorized(`Domain ${domain.id} is disabled.`);
      if (!(await effectiveRoles(this.db, who.user.id, 'domain', domain.id)).length) {
        throw unauthorized(`User ${who.user.id} has no access to domain ${domain.id}.`);
      }
      return { domain, system: false };
    }
    const p = scope.project!;
    let project: ProjectRow | undefined;
    if (p.id) {
      project = await this.db.selectFrom('project').selectAll().where('id', '=', p.id).executeTakeFirst();
    } else if (p.name) {
      if (!p.domain?.id && !p.domain?.name) throw badRequest('A project name needs its domain (id or name).');
      const domain = await this.findDomain(p.domain);
      project = domain && await this.db.selectFrom('project').selectAll()
        .where('name', '=', p.name).where('domain_id', '=', domain.id).executeTakeFirst();
    } else {
      throw badRequest('Expecting to find project id, or project name and domain, in the scope.');
    }
    if (!project) throw unauthorized('Could not find the project to scope to.');
    if (!bool(project.enabled)) throw unauthorized(`Project ${project.id} is disabled.`);
    if (!(await effectiveRoles(this.db, who.user.id, 'project', project.id)).length) {
      throw unauthorized(`User ${who.user.id} has no access to project ${project.id}.`);
    }
    return { project, system: false };
  }
}

/** Whether time alone has ended the token (its own expiry or its application credential's). */
function expired(r: ResolvedToken, now: string): boolean {
  return r.row.expires_at <= now || Boolean(r.appCred?.expires_at && r.appCred.expires_at <= now);
}

export function toAuthContext(r: ResolvedToken): AuthContext {
  return {
    userId: r.user.id,
    userName: r.user.name,
    userDomainId: r.user.domain_id,
    projectId: r.project?.id,
    projectName: r.project?.name,
    projectDomainId: r.project?.domain_id,
    domainId: r.domain?.id,
    system: r.system,
    roles: r.roles.map((x) => x.name),
    methods: parseJson<string[]>(r.row.methods, []),
    applicationCredentialId: r.appCred?.id,
    unrestricted: r.appCred ? bool(r.appCred.unrestricted) : undefined,
  };
}
