// Nova's flavors API: list/detail/show for everyone (with private-flavor visibility), create,
// update (2.55 description) and delete for admins, plus access lists and extra specs.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, type ComputeDeps } from '../common.js';
import type { FlavorRow } from '../compute.tables.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { registerFlavorAccess } from './flavor-access.routes.js';
import { registerFlavorExtraSpecs } from './flavor-extra-specs.routes.js';
import { flavorBody, flavorSummary, type FlavorViewOptions } from './flavor-view.js';
import { parseFlavorCreate, parseFlavorUpdate } from './flavors.input.js';
import { listFlavors, nextLink } from './flavors.list.js';
import { createFlavor, deleteFlavor, extraSpecsOf, flavorNotFound, getFlavor, updateFlavorDescription } from './flavors.service.js';

type Params = { flavor_id: string };
type Query = Record<string, string | string[] | undefined>;

export function flavorRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get('/flavors', async (req) => {
      const auth = caller(req);
      const q = req.query as Query;
      const page = await listFlavors(deps, auth, q);
      const opts = viewOptions(deps, req);
      return {
        flavors: page.rows.map((r) => flavorSummary(r, opts)),
        ...(page.nextMarker !== undefined ? { flavors_links: [nextLink(deps.config.publicUrl, 'flavors', q, page.nextMarker)] } : {}),
      };
    });

    app.get('/flavors/detail', async (req) => {
      const auth = caller(req);
      const q = req.query as Query;
      const page = await listFlavors(deps, auth, q);
      const bodies = await detailBodies(deps, req, auth, page.rows);
      return {
        flavors: bodies,
        ...(page.nextMarker !== undefined ? { flavors_links: [nextLink(deps.config.publicUrl, 'flavors/detail', q, page.nextMarker)] } : {}),
      };
    });

    app.get<{ Params: Params }>('/flavors/:flavor_id', async (req) => {
      const auth = caller(req);
      const row = await getFlavor(deps, auth, req.params.flavor_id);
      return { flavor: (await detailBodies(deps, req, auth, [row]))[0] };
    });

    // Nova answers 200 (not 201) to a flavor create.
    app.post('/flavors', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'os-flavor-manage:create');
      const row = await createFlavor(deps, parseFlavorCreate(req.body, has(req, 'flavorDescription')));
      return { flavor: (await detailBodies(deps, req, auth, [row]))[0] };
    });

    app.put<{ Params: Params }>('/flavors/:flavor_id', async (req) => {
      // Before 2.55 the method does not exist: Nova answers 404 for a version without it.
      if (!has(req, 'flavorDescription')) throw notFound('The resource could not be found.');
      const auth = caller(req);
      enforce(deps, auth, 'os-flavor-manage:update');
      const description = parseFlavorUpdate(req.body);
      const row = await updateFlavorDescription(deps, req.params.flavor_id, description);
      return { flavor: (await detailBodies(deps, req, auth, [row]))[0] };
    });

    app.delete<{ Params: Params }>('/flavors/:flavor_id', async (req, reply) => {
      const auth = caller(req);
      enforce(deps, auth, 'os-flavor-manage:delete');
      if (req.params.flavor_id === '') throw flavorNotFound('');
      await deleteFlavor(deps, req.params.flavor_id);
      return reply.code(202).send();
    });

    registerFlavorAccess(app, deps);
    registerFlavorExtraSpecs(app, deps);
  };
}

function viewOptions(deps: ComputeDeps, req: FastifyRequest): FlavorViewOptions {
  return { baseUrl: deps.config.publicUrl, description: has(req, 'flavorDescription') };
}

/** Detail bodies; from 2.61 with extra_specs when the caller may list them. */
async function detailBodies(deps: ComputeDeps, req: FastifyRequest, auth: AuthContext, rows: FlavorRow[]) {
  const opts = viewOptions(deps, req);
  const withSpecs = has(req, 'flavorExtraSpecsInBody') && deps.policy.allows(auth, 'os_compute_api:os-flavor-extra-specs:index', { project_id: auth.projectId, user_id: auth.userId });
  const specs = withSpecs ? await extraSpecsOf(deps.db, rows.map((r) => r.id)) : undefined;
  return rows.map((r) => flavorBody(r, { ...opts, ...(specs ? { extraSpecs: specs.get(r.id) ?? {} } : {}) }));
}
