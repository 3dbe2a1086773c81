// /v2.0/auto-allocated-topology/{project_id}: GET finds or makes the project's topology (or, with
// `fields=dry-run`, only checks it could), DELETE tears it down. Neutron's rule: admin or owner.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, neutronError, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import { defaultExternalNetwork, deleteAutoAllocatedTopology, ensureAutoAllocatedNetwork, existingTopology, noDefaultExternal } from './auto-allocated-topology.js';

type Params = { project_id: string };
const MAX_PROJECT_ID = 255;

function checkProject(id: string): void {
  if (id.length === 0 || id.length > MAX_PROJECT_ID) throw badRequest(`Invalid project id ${id}`);
}

export function autoAllocatedTopologyRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const deps = ctx.deps;
  return async (app) => {
    app.get<{ Params: Params; Querystring: Record<string, string | string[] | undefined> }>('/auto-allocated-topology/:project_id', async (req) => {
      const auth = caller(req);
      const projectId = req.params.project_id;
      checkProject(projectId);
      // Neutron's rule is admin_or_owner on the project the topology is for.
      enforce(deps, auth, 'get_auto_allocated_topology', target(auth, projectId));
      const fields = [req.query.fields ?? []].flat();
      if (fields.includes('dry-run')) {
        if (!(await existingTopology(ctx, projectId)) && !(await defaultExternalNetwork(ctx))) throw noDefaultExternal();
        return { auto_allocated_topology: { id: 'dry-run=pass', tenant_id: projectId, project_id: projectId } };
      }
      if (fields.length) throw neutronError(400, 'BadRequest', 'Bad auto_allocate request: Unrecognized field.');
      const id = await ensureAutoAllocatedNetwork(ctx, projectId);
      return { auto_allocated_topology: { id, tenant_id: projectId, project_id: projectId } };
    });

    app.delete<{ Params: Params }>('/auto-allocated-topology/:project_id', async (req, reply) => {
      const auth = caller(req);
      const projectId = req.params.project_id;
      checkProject(projectId);
      enforce(deps, auth, 'delete_auto_allocated_topology', target(auth, projectId));
      await deleteAutoAllocatedTopology(ctx, projectId);
      return reply.code(204).send();
    });
  };
}
