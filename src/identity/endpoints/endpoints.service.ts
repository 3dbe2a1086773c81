import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, isForeignKeyViolation } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { bool, extraOf, int, notFoundError, parseJson, selfLink, type IdentityDeps } from '../common.js';
import type { EndpointRow, IdentityTables } from '../identity.tables.js';
import type { RegionService } from '../regions/regions.service.js';
import { isValidEndpointUrl } from './endpoint-url.js';
import type { EndpointCreate, EndpointListQuery, EndpointUpdate } from './endpoints.schemas.js';

const KNOWN = ['id', 'interface', 'service_id', 'url', 'region_id', 'region', 'enabled', 'links', 'legacy_endpoint_id'];

const missingIn = (attribute: string, table: string) => badRequest(`Expecting to find ${attribute} in ${table}. `
  + 'The server could not comply with the request since it is either malformed or otherwise incorrect. '
  + 'The client is assumed to be in error.');

function checkUrl(url: string | undefined): void {
  if (url !== undefined && !isValidEndpointUrl(url)) throw badRequest(`Cannot create an endpoint with an invalid URL: ${url}.`);
}

/**
 * Endpoints of the catalog. Tokens build their catalog from these rows at issue and validation
 * time, so every change here shows in the next token response.
 */
export class EndpointService {
  constructor(private readonly deps: IdentityDeps, private readonly regions: RegionService) {}

  view(row: EndpointRow) {
    return {
      ...parseJson<Record<string, unknown>>(row.extra, {}),
      id: row.id,
      interface: row.interface,
      region_id: row.region_id,
      region: row.region_id,
      service_id: row.service_id,
      url: row.url,
      enabled: bool(row.enabled),
      links: selfLink(this.deps.config, `endpoints/${row.id}`),
    };
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_endpoint', { endpoint: { id } });
    const row = await this.deps.db.selectFrom('endpoint').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFoundError('endpoint', id);
    return this.view(row);
  }

  async list(auth: AuthContext, q: EndpointListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_endpoints');
    let query = this.deps.db.selectFrom('endpoint').selectAll().orderBy('service_id').orderBy('interface').orderBy('id');
    if (q.interface !== undefined) query = query.where('interface', '=', q.interface);
    if (q.service_id !== undefined) query = query.where('service_id', '=', q.service_id);
    if (q.region_id !== undefined) query = query.where('region_id', '=', q.region_id);
    return (await query.execute()).map((r) => this.view(r));
  }

  async create(auth: AuthContext, body: EndpointCreate) {
    this.deps.policy.enforce(auth, 'identity:create_endpoint');
    checkUrl(body.url);
    const row: EndpointRow = {
      id: hexId(),
      service_id: body.service_id,
      interface: body.interface,
      region_id: body.region_id ?? body.region ?? null,
      url: body.url,
      enabled: int(body.enabled, true),
      extra: JSON.stringify(extraOf(body, KNOWN)),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await this.checkReferences(trx, row, body);
      await this.write(() => trx.insertInto('endpoint').values(row).execute());
    });
    return this.view(row);
  }

  async update(auth: AuthContext, id: string, body: EndpointUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_endpoint', { endpoint: { id } });
    if (body.id != null && body.id !== id) throw badRequest('Cannot change ID');
    checkUrl(body.url);
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('endpoint').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFoundError('endpoint', id);
      const legacy = body.region_id == null && body.region != null;
      const next: EndpointRow = {
        ...row,
        service_id: body.service_id ?? row.service_id,
        interface: body.interface ?? row.interface,
        region_id: legacy ? body.region! : (body.region_id === undefined ? row.region_id : body.region_id),
        url: body.url ?? row.url,
        enabled: int(body.enabled, bool(row.enabled)),
        extra: JSON.stringify({ ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) }),
      };
      await this.checkReferences(trx, next, body);
      await this.write(() => trx.updateTable('endpoint').set(next).where('id', '=', id).execute());
      return this.view(next);
    });
  }

  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_endpoint', { endpoint: { id } });
    const res = await this.deps.db.deleteFrom('endpoint').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFoundError('endpoint', id);
  }

  /**
   * The service and region must exist (400, as Keystone answers), except that a region named
   * through the legacy `region` field is created on the fly, as Keystone does for v2-era clients.
   */
  private async checkReferences(trx: Transaction<IdentityTables>, row: EndpointRow,
    body: { service_id?: string; region_id?: string | null; region?: string | null }): Promise<void> {
    if (row.region_id !== null && !(await this.regions.find(row.region_id, trx))) {
      if (body.region_id != null || body.region == null) throw missingIn('endpoint region_id', 'region table');
      await this.regions.insert(trx, { id: row.region_id, description: '', parent_region_id: null, extra: '{}' });
    }
    if (body.service_id !== undefined) {
      const svc = await trx.selectFrom('service').select('id').where('id', '=', row.service_id).executeTakeFirst();
      if (!svc) throw missingIn('endpoint service_id', 'service table');
    }
  }

  /** A service or region deleted concurrently shows up as a foreign-key failure: same 400. */
  private async write(op: () => Promise<unknown>): Promise<void> {
    try {
      await op();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw missingIn('endpoint service_id or region_id', 'service or region table');
      throw err;
    }
  }
}
