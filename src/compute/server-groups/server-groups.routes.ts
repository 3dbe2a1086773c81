// os-server-groups: GET (list), POST (create, 200 as Nova answers), GET/DELETE one.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { MIN_VERSION, parseVersion, type ApiVersion } from '../microversions.js';
import { ServerGroupService } from './server-groups.service.js';

export { addGroupMember } from './group-members.js';

type Params = { group_id: string };
const version = (v: ApiVersion | undefined): ApiVersion => v ?? parseVersion(MIN_VERSION)!;

export function serverGroupRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const groups = new ServerGroupService(ctx.deps);
  return async (app) => {
    app.get('/os-server-groups', async (req) =>
      ({ server_groups: await groups.list(caller(req), req.query as Record<string, string | string[] | undefined>, version(req.computeVersion)) }));

    app.post('/os-server-groups', async (req) =>
      ({ server_group: await groups.create(caller(req), req.body, version(req.computeVersion)) }));

    app.get<{ Params: Params }>('/os-server-groups/:group_id', async (req) =>
      ({ server_group: await groups.show(caller(req), req.params.group_id, version(req.computeVersion)) }));

    app.delete<{ Params: Params }>('/os-server-groups/:group_id', async (req, reply) => {
      await groups.remove(caller(req), req.params.group_id);
      return reply.code(204).send();
    });
  };
}
