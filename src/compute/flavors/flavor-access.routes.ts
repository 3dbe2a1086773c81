// Private flavors' access lists (Nova's os-flavor-access): list, addTenantAccess, removeTenantAccess.
import type { FastifyInstance } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, type ComputeDeps } from '../common.js';
import { getFlavor } from './flavors.service.js';
import { invalidField, isObject } from './flavors.input.js';

type Params = { flavor_id: string };

async function accessList(deps: ComputeDeps, flavorId: string) {
  const rows = await deps.db.selectFrom('compute_flavor_access').selectAll().where('flavor_id', '=', flavorId).orderBy('project_id').execute();
  return { flavor_access: rows.map((r) => ({ flavor_id: r.flavor_id, tenant_id: r.project_id })) };
}

/** The `tenant` of an add/remove action: a non-empty string of at most 255 characters. */
function tenantOf(action: string, body: unknown): string {
  if (!isObject(body)) throw invalidField(action, body, `${JSON.stringify(body)} is not of type 'object'`);
  for (const k of Object.keys(body)) if (k !== 'tenant') throw invalidField(action, body, `Additional properties are not allowed ('${k}' was unexpected)`);
  const tenant = body.tenant;
  if (tenant === undefined) throw invalidField(action, body, `'tenant' is a required property`);
  if (typeof tenant !== 'string' || tenant.length < 1 || tenant.length > 255 || tenant.trim() !== tenant) {
    throw invalidField('tenant', tenant, 'It must be a project id of 1 to 255 characters');
  }
  return tenant;
}

async function addAccess(deps: ComputeDeps, auth: AuthContext, flavorId: string, tenant: string) {
  enforce(deps, auth, 'os-flavor-access:add_tenant_access');
  const flavor = await getFlavor(deps, auth, flavorId);
  if (flavor.is_public === 1) throw conflict('Can not add access to a public flavor.');
  const exists = conflict(`Flavor access already exists for flavor ${flavorId} and project ${tenant} combination.`);
  const dup = await deps.db.selectFrom('compute_flavor_access').select('flavor_id')
    .where('flavor_id', '=', flavorId).where('project_id', '=', tenant).executeTakeFirst();
  if (dup) throw exists;
  try {
    await deps.db.insertInto('compute_flavor_access').values({ flavor_id: flavorId, project_id: tenant }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw exists;
    throw err;
  }
  return accessList(deps, flavorId);
}

async function removeAccess(deps: ComputeDeps, auth: AuthContext, flavorId: string, tenant: string) {
  enforce(deps, auth, 'os-flavor-access:remove_tenant_access');
  await getFlavor(deps, auth, flavorId);
  const res = await deps.db.deleteFrom('compute_flavor_access').where('flavor_id', '=', flavorId).where('project_id', '=', tenant).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound(`Flavor access not found for ${flavorId} / ${tenant} combination.`);
  return accessList(deps, flavorId);
}

export function registerFlavorAccess(app: FastifyInstance, deps: ComputeDeps): void {
  app.get<{ Params: Params }>('/flavors/:flavor_id/os-flavor-access', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-access');
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    if (flavor.is_public === 1) throw notFound('Access list not available for public flavors.');
    return accessList(deps, flavor.id);
  });

  app.post<{ Params: Params }>('/flavors/:flavor_id/action', async (req) => {
    const auth = caller(req);
    const body = req.body;
    if (!isObject(body) || Object.keys(body).length !== 1) {
      throw badRequest('The action body must hold exactly one of addTenantAccess, removeTenantAccess.');
    }
    const [action, args] = Object.entries(body)[0]!;
    if (action === 'addTenantAccess') return addAccess(deps, auth, req.params.flavor_id, tenantOf(action, args));
    if (action === 'removeTenantAccess') return removeAccess(deps, auth, req.params.flavor_id, tenantOf(action, args));
    throw badRequest(`There is no such action: ${action}`);
  });
}
