import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { bool, extraOf, int, notFoundError, parseJson, selfLink, type IdentityDeps } from '../common.js';
import type { ServiceRow } from '../identity.tables.js';
import type { ServiceCreate, ServiceListQuery, ServiceUpdate } from './services.schemas.js';

const KNOWN = ['id', 'type', 'name', 'description', 'enabled', 'links'];

/** Services of the catalog (compute, image, …): what their endpoints belong to. */
export class CatalogServices {
  constructor(private readonly deps: IdentityDeps) {}

  view(row: ServiceRow) {
    return {
      ...parseJson<Record<string, unknown>>(row.extra, {}),
      id: row.id,
      type: row.type,
      name: row.name,
      description: row.description,
      enabled: bool(row.enabled),
      links: selfLink(this.deps.config, `services/${row.id}`),
    };
  }

  find(id: string): Promise<ServiceRow | undefined> {
    return this.deps.db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_service', { service: { id } });
    const row = await this.find(id);
    if (!row) throw notFoundError('service', id);
    return this.view(row);
  }

  async list(auth: AuthContext, q: ServiceListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_services');
    let query = this.deps.db.selectFrom('service').selectAll().orderBy('type').orderBy('name').orderBy('id');
    if (q.type !== undefined) query = query.where('type', '=', q.type);
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: ServiceCreate) {
    this.deps.policy.enforce(auth, 'identity:create_service');
    const row: ServiceRow = {
      id: hexId(),
      type: body.type,
      name: body.name ?? '',
      description: body.description ?? '',
      enabled: int(body.enabled, true),
      extra: JSON.stringify(extraOf(body, KNOWN)),
    };
    await this.deps.db.insertInto('service').values(row).execute();
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: ServiceUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_service', { service: { id } });
    if (body.id != null && body.id !== id) throw badRequest('Cannot change ID');
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFoundError('service', id);
      const next: ServiceRow = {
        ...row,
        type: body.type ?? row.type,
        name: body.name ?? row.name,
        description: body.description === undefined ? row.description : (body.description ?? ''),
        enabled: int(body.enabled, bool(row.enabled)),
        extra: JSON.stringify({ ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) }),
      };
      await trx.updateTable('service').set(next).where('id', '=', id).execute();
      return this.view(next);
    });
  }

  /** Deletes the service with its endpoints; tokens issued after this no longer list it. */
  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_service', { service: { id } });
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('service').select('id').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFoundError('service', id);
      await trx.deleteFrom('endpoint').where('service_id', '=', id).execute();
      await trx.deleteFrom('service').where('id', '=', id).execute();
    });
  }
}
