import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden, isUniqueViolation } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { duplicateError, notFoundError, parseJson, selfLink, type IdentityDeps } from '../common.js';
import type { DomainService } from '../domains/domains.service.js';
import type { RoleRow } from '../identity.tables.js';
import type { RoleCreate, RoleListQuery, RoleOptions, RoleUpdate } from './roles.schemas.js';

type StoredOptions = { immutable?: true };

/** Keystone keeps only options that are set; null (or false for immutable) removes one. */
function mergeOptions(current: StoredOptions, change: RoleOptions | undefined): StoredOptions {
  if (!change || !('immutable' in change)) return current;
  return change.immutable ? { immutable: true } : {};
}

const isImmutable = (row: RoleRow) => parseJson<StoredOptions>(row.options, {}).immutable === true;

/** Roles, global (domain_id '' in the table, null on the wire) or specific to one domain. */
export class RoleService {
  constructor(private readonly deps: IdentityDeps, private readonly domains: DomainService) {}

  view(row: RoleRow) {
    return {
      id: row.id,
      name: row.name,
      domain_id: row.domain_id || null,
      description: row.description || null,
      options: parseJson<StoredOptions>(row.options, {}),
      links: selfLink(this.deps.config, `roles/${row.id}`),
    };
  }

  /** The short form Keystone uses inside role inferences. */
  ref(row: RoleRow) {
    return { id: row.id, name: row.name, links: selfLink(this.deps.config, `roles/${row.id}`) };
  }

  async find(id: string): Promise<RoleRow | undefined> {
    return this.deps.db.selectFrom('role').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async get(id: string): Promise<RoleRow> {
    const row = await this.find(id);
    if (!row) throw notFoundError('role', id);
    return row;
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_role', { role: { id } });
    return this.view(await this.get(id));
  }

  /** Global roles unless a domain_id is asked for, as Keystone lists them. */
  async list(auth: AuthContext, q: RoleListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_roles', { domain_id: q.domain_id });
    let query = this.deps.db.selectFrom('role').selectAll().where('domain_id', '=', q.domain_id ?? '').orderBy('name');
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: RoleCreate) {
    this.deps.policy.enforce(auth, 'identity:create_role', { role: body });
    const domainId = body.domain_id ?? '';
    if (domainId && !(await this.domains.find(domainId))) throw notFoundError('domain', domainId);
    const row: RoleRow = {
      id: hexId(),
      name: body.name,
      domain_id: domainId,
      description: body.description ?? '',
      options: JSON.stringify(mergeOptions({}, body.options)),
    };
    try {
      await this.deps.db.insertInto('role').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('role', `name ${body.name}${domainId ? ` at domain ID ${domainId}` : ''}`);
      throw err;
    }
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: RoleUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_role', { role: { id } });
    const row = await this.get(id);
    if (body.domain_id !== undefined && (body.domain_id ?? '') !== row.domain_id) {
      throw badRequest('Update of `domain_id` is not allowed.');
    }
    const options = mergeOptions(parseJson<StoredOptions>(row.options, {}), body.options);
    // An immutable role accepts changes to its options only (clearing the flag first).
    if (isImmutable(row) && (body.name !== undefined || body.description !== undefined)) {
      throw forbidden(`Unable to update immutable role resource: \`${id}\`. Set its option "immutable" to false first.`);
    }
    const next: RoleRow = {
      ...row,
      name: body.name ?? row.name,
      description: body.description === undefined ? row.description : (body.description ?? ''),
      options: JSON.stringify(options),
    };
    try {
      await this.deps.db.updateTable('role').set({ name: next.name, description: next.description, options: next.options })
        .where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateError('role', `name ${next.name}${row.domain_id ? ` at domain ID ${row.domain_id}` : ''}`);
      throw err;
    }
    return this.view(next);
  }

  /** Deletes the role with every grant of it and every inference rule naming it. */
  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_role', { role: { id } });
    const row = await this.get(id);
    if (isImmutable(row)) {
      throw forbidden(`Unable to delete immutable role resource: \`${id}\`. Set its option "immutable" to false first.`);
    }
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_assignment').where('role_id', '=', id).execute();
      await trx.deleteFrom('implied_role').where((eb) => eb.or([eb('prior_role_id', '=', id), eb('implied_role_id', '=', id)])).execute();
      await trx.deleteFrom('application_credential_role').where('role_id', '=', id).execute();
      await trx.deleteFrom('role').where('id', '=', id).execute();
    });
  }
}
