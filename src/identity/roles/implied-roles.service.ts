import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { expandImplied, impliedRoleMap } from '../assignments/effective-roles.js';
import { duplicateError, selfLink, type IdentityDeps } from '../common.js';
import type { IdentityDb, RoleRow } from '../identity.tables.js';
import type { RoleService } from './roles.service.js';

/** Keystone's default `[assignment] prohibited_implied_role`: admin is never implied by a lesser role. */
const PROHIBITED_IMPLIED = ['admin'];

const notImplied = (prior: string, implied: string) => notFound(`${prior} does not imply ${implied}.`);

/** Role inference rules (prior ⇒ implied), kept acyclic so every grant expands to a finite set. */
export class ImpliedRoleService {
  constructor(private readonly deps: IdentityDeps, private readonly roles: RoleService) {}

  private inference(prior: RoleRow, implied: RoleRow) {
    return {
      role_inference: { prior_role: this.roles.ref(prior), implies: this.roles.ref(implied) },
      links: selfLink(this.deps.config, `roles/${prior.id}/implies/${implied.id}`),
    };
  }

  /** Takes the transaction when inside one: SQLite has one connection, so using `deps.db` there would wait forever. */
  private async rule(priorId: string, impliedId: string, db: IdentityDb = this.deps.db): Promise<boolean> {
    const row = await db.selectFrom('implied_role').select('prior_role_id')
      .where('prior_role_id', '=', priorId).where('implied_role_id', '=', impliedId).executeTakeFirst();
    return row !== undefined;
  }

  async create(auth: AuthContext, priorId: string, impliedId: string) {
    this.deps.policy.enforce(auth, 'identity:create_implied_role', { prior_role: { id: priorId }, implied_role: { id: impliedId } });
    const prior = await this.roles.get(priorId);
    const implied = await this.roles.get(impliedId);
    if (PROHIBITED_IMPLIED.includes(implied.name)) throw forbidden(`${implied.id} cannot be an implied role.`);
    if (!prior.domain_id && implied.domain_id) throw forbidden('Global role cannot imply a domain-specific role.');
    if (priorId === impliedId) throw badRequest(`Role ${priorId} cannot imply itself.`);
    await this.deps.db.transaction().execute(async (trx) => {
      if (await this.rule(priorId, impliedId, trx)) {
        throw duplicateError('implied_role', `prior_role_id ${priorId} and implied_role_id ${impliedId}`);
      }
      // The new rule closes a cycle exactly when the prior role is already implied by the implied one.
      if (expandImplied([impliedId], await impliedRoleMap(trx)).has(priorId)) {
        throw conflict(`Role ${impliedId} already implies ${priorId} (directly or through other roles); ` +
          `${priorId} implying ${impliedId} would create a cycle.`);
      }
      try {
        await trx.insertInto('implied_role').values({ prior_role_id: priorId, implied_role_id: impliedId }).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateError('implied_role', `prior_role_id ${priorId} and implied_role_id ${impliedId}`);
        throw err;
      }
    });
    return this.inference(prior, implied);
  }

  async show(auth: AuthContext, priorId: string, impliedId: string, action = 'identity:get_implied_role') {
    this.deps.policy.enforce(auth, action, { prior_role: { id: priorId }, implied_role: { id: impliedId } });
    const prior = await this.roles.get(priorId);
    const implied = await this.roles.get(impliedId);
    if (!(await this.rule(priorId, impliedId))) throw notImplied(priorId, impliedId);
    return this.inference(prior, implied);
  }

  async remove(auth: AuthContext, priorId: string, impliedId: string) {
    this.deps.policy.enforce(auth, 'identity:delete_implied_role', { prior_role: { id: priorId }, implied_role: { id: impliedId } });
    await this.roles.get(priorId);
    await this.roles.get(impliedId);
    const res = await this.deps.db.deleteFrom('implied_role')
      .where('prior_role_id', '=', priorId).where('implied_role_id', '=', impliedId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notImplied(priorId, impliedId);
  }

  /** The roles one role implies directly. */
  async listFor(auth: AuthContext, priorId: string) {
    this.deps.policy.enforce(auth, 'identity:list_implied_roles', { prior_role: { id: priorId } });
    const prior = await this.roles.get(priorId);
    const implied = await this.deps.db.selectFrom('role').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('implied_role').select('implied_role_id').where('prior_role_id', '=', priorId))
      .orderBy('name').execute();
    return {
      role_inference: { prior_role: this.roles.ref(prior), implies: implied.map((r) => this.roles.ref(r)) },
      links: selfLink(this.deps.config, `roles/${priorId}/implies`),
    };
  }

  /** Every rule, grouped by prior role. */
  async listAll(auth: AuthContext) {
    this.deps.policy.enforce(auth, 'identity:list_role_inference_rules');
    const roles = new Map((await this.deps.db.selectFrom('role').selectAll().execute()).map((r) => [r.id, r]));
    const byPrior = new Map<string, RoleRow[]>();
    for (const rule of await this.deps.db.selectFrom('implied_role').selectAll().execute()) {
      const implied = roles.get(rule.implied_role_id);
      if (implied) byPrior.set(rule.prior_role_id, [...(byPrior.get(rule.prior_role_id) ?? []), implied]);
    }
    const inferences = [...byPrior].flatMap(([priorId, implied]) => {
      const prior = roles.get(priorId);
      if (!prior) return [];
      implied.sort((a, b) => a.name.localeCompare(b.name));
      return [{ prior_role: this.roles.ref(prior), implies: implied.map((r) => this.roles.ref(r)) }];
    });
    inferences.sort((a, b) => a.prior_role.name.localeCompare(b.prior_role.name));
    return { role_inferences: inferences, links: selfLink(this.deps.config, 'role_inferences') };
  }
}
