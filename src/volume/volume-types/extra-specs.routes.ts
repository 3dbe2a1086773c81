// A volume type's extra specs (Cinder's types_extra_specs): what the scheduler reads
// (`volume_backend_name`) and the backend honours. Changing them is refused while volumes use the type.
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, type VolumeDeps } from '../common.js';
import type { VolumeTables } from '../volume.tables.js';
import { extraSpecsOf } from './default-type.js';
import { extraSpecs, isObject } from './type-input.js';
import { visibleSpecs, visibleTypeById } from './type-view.js';

type Params = { type_id: string };
type KeyParams = Params & { key: string };

const specNotFound = (typeId: string, key: string) => new ApiError(404, `Volume Type ${typeId} has no extra specs with key ${key}.`);

/** Cinder refuses to change the specs of a type volumes already use (they were placed by the old ones). */
async function refuseInUse(trx: Transaction<VolumeTables>, typeId: string): Promise<void> {
  const used = await trx.selectFrom('volume').select('id').where('volume_type_id', '=', typeId).limit(1).executeTakeFirst();
  if (used) throw badRequest('Volume Type is currently in use.');
}

/** Cinder refuses `cacheable` together with `multiattach`. */
function refuseCacheableMultiattach(old: Record<string, string>, specs: Record<string, string>): void {
  const merged = { ...old, ...specs };
  if (merged.multiattach === '<is> True' && merged.cacheable === '<is> True') throw badRequest('cacheable cannot be set with multiattach.');
}

async function upsertSpecs(deps: VolumeDeps, auth: AuthContext, typeId: string, specs: Record<string, string>): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const type = await visibleTypeById(trx, deps, auth, typeId);
    await refuseInUse(trx, type.id);
    refuseCacheableMultiattach(await extraSpecsOf(trx, type.id), specs);
    for (const [key, value] of Object.entries(specs)) {
      await trx.insertInto('volume_type_extra_spec').values({ volume_type_id: type.id, key, value })
        .onConflict((oc) => oc.columns(['volume_type_id', 'key']).doUpdateSet({ value })).execute();
    }
    await trx.updateTable('volume_type').set({ updated_at: new Date().toISOString() }).where('id', '=', type.id).execute();
  });
}

export function registerExtraSpecRoutes(app: FastifyInstance, deps: VolumeDeps): void {
  app.get<{ Params: Params }>('/types/:type_id/extra_specs', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'volume_extension:types_extra_specs:index');
    const type = await visibleTypeById(deps.db, deps, auth, req.params.type_id);
    return { extra_specs: visibleSpecs(deps, auth, await extraSpecsOf(deps.db, type.id)) };
  });

  app.post<{ Params: Params }>('/types/:type_id/extra_specs', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'volume_extension:types_extra_specs:create');
    const body = req.body;
    if (!isObject(body) || !('extra_specs' in body)) throw badRequest("Missing required element 'extra_specs' in request body.");
    const extra = Object.keys(body).filter((k) => k !== 'extra_specs');
    if (extra.length > 0) throw badRequest(`Invalid input: additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} unexpected).`);
    const specs = extraSpecs(body.extra_specs);
    await upsertSpecs(deps, auth, req.params.type_id, specs);
    return { extra_specs: specs };
  });

  app.get<{ Params: KeyParams }>('/types/:type_id/extra_specs/:key', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'volume_extension:types_extra_specs:show');
    const type = await visibleTypeById(deps.db, deps, auth, req.params.type_id);
    const specs = visibleSpecs(deps, auth, await extraSpecsOf(deps.db, type.id));
    if (!(req.params.key in specs)) throw specNotFound(type.id, req.params.key);
    return { [req.params.key]: specs[req.params.key] };
  });

  app.put<{ Params: KeyParams }>('/types/:type_id/extra_specs/:key', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'volume_extension:types_extra_specs:update');
    const body = req.body;
    if (!isObject(body) || Object.keys(body).length !== 1) {
      throw badRequest('Invalid input: the body must hold exactly one extra spec, e.g. {"volume_backend_name": "file"}.');
    }
    if (!(req.params.key in body)) throw badRequest('Request body and URI mismatch');
    const specs = extraSpecs(body);
    await upsertSpecs(deps, auth, req.params.type_id, specs);
    return specs;
  });

  app.delete<{ Params: KeyParams }>('/types/:type_id/extra_specs/:key', async (req, reply) => {
    const auth = caller(req);
    enforce(deps, auth, 'volume_extension:types_extra_specs:delete');
    await deps.db.transaction().execute(async (trx) => {
      const type = await visibleTypeById(trx, deps, auth, req.params.type_id);
      await refuseInUse(trx, type.id);
      const gone = await trx.deleteFrom('volume_type_extra_spec')
        .where('volume_type_id', '=', type.id).where('key', '=', req.params.key).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw specNotFound(type.id, req.params.key);
    });
    return reply.code(202).send();
  });
}
