// Flavor extra specs (Nova's os-extra_specs): free-form key/value pairs the scheduler and the
// driver read. Keys and values follow Nova's schema (flavors_extraspecs.py).
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, type ComputeDeps } from '../common.js';
import { extraSpecsOf, getFlavor } from './flavors.service.js';
import { invalidField, isObject, wrapped } from './flavors.input.js';

type Params = { flavor_id: string };
type KeyParams = Params & { key: string };

const KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/** Validates specs and turns their values into the text Nova stores (Python's str()). */
function specValues(field: string, specs: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(specs)) {
    if (!KEY.test(key)) throw invalidField(field, specs, `'${key}' does not match '${KEY.source}'`);
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'boolean') text = value ? 'True' : 'False';
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else throw invalidField(key, value, `${JSON.stringify(value)} is not of type 'string', 'number', 'boolean'`);
    if (text.length > 255) throw invalidField(key, value, 'It is longer than 255 characters');
    out[key] = text;
  }
  return out;
}

async function upsert(deps: ComputeDeps, flavorId: string, specs: Record<string, string>): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(specs)) {
      await trx.insertInto('compute_flavor_extra_spec').values({ flavor_id: flavorId, key, value })
        .onConflict((oc) => oc.columns(['flavor_id', 'key']).doUpdateSet({ value })).execute();
    }
  });
}

export function registerFlavorExtraSpecs(app: FastifyInstance, deps: ComputeDeps): void {
  const specNotFound = (flavorId: string, key: string) => notFound(`Flavor ${flavorId} has no extra specs with key ${key}.`);

  app.get<{ Params: Params }>('/flavors/:flavor_id/os-extra_specs', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-extra-specs:index');
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    return { extra_specs: (await extraSpecsOf(deps.db, [flavor.id])).get(flavor.id) ?? {} };
  });

  app.post<{ Params: Params }>('/flavors/:flavor_id/os-extra_specs', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-extra-specs:create');
    const specs = specValues('extra_specs', wrapped(req.body, 'extra_specs'));
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    await upsert(deps, flavor.id, specs);
    return { extra_specs: specs };
  });

  app.get<{ Params: KeyParams }>('/flavors/:flavor_id/os-extra_specs/:key', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-extra-specs:show');
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    const row = await deps.db.selectFrom('compute_flavor_extra_spec').select('value')
      .where('flavor_id', '=', flavor.id).where('key', '=', req.params.key).executeTakeFirst();
    if (!row) throw specNotFound(flavor.id, req.params.key);
    return { [req.params.key]: row.value };
  });

  app.put<{ Params: KeyParams }>('/flavors/:flavor_id/os-extra_specs/:key', async (req) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-extra-specs:update');
    const body = req.body;
    if (!isObject(body) || Object.keys(body).length === 0) throw invalidField('request body', body, 'It must hold exactly one key and its value');
    if (Object.keys(body).length > 1) throw badRequest('Request body contains too many items');
    const specs = specValues('request body', body);
    if (!(req.params.key in specs)) throw badRequest('Request body and URI mismatch');
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    await upsert(deps, flavor.id, specs);
    return specs;
  });

  app.delete<{ Params: KeyParams }>('/flavors/:flavor_id/os-extra_specs/:key', async (req, reply) => {
    const auth = caller(req);
    enforce(deps, auth, 'os-flavor-extra-specs:delete');
    const flavor = await getFlavor(deps, auth, req.params.flavor_id);
    const res = await deps.db.deleteFrom('compute_flavor_extra_spec').where('flavor_id', '=', flavor.id).where('key', '=', req.params.key).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw specNotFound(flavor.id, req.params.key);
    return reply.code(200).send();
  });
}
