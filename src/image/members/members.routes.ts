import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import type { MemberService } from './members.service.js';

type Params = { image_id: string };
type MemberParams = Params & { member_id: string };

export function memberRoutes(members: MemberService): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: Params }>('/v2/images/:image_id/members', async (req) =>
      members.add(caller(req), req.params.image_id, req.body));
    app.get<{ Params: Params }>('/v2/images/:image_id/members', async (req) =>
      members.list(caller(req), req.params.image_id));
    app.get<{ Params: MemberParams }>('/v2/images/:image_id/members/:member_id', async (req) =>
      members.show(caller(req), req.params.image_id, req.params.member_id));
    app.put<{ Params: MemberParams }>('/v2/images/:image_id/members/:member_id', async (req) =>
      members.setStatus(caller(req), req.params.image_id, req.params.member_id, req.body));
    app.delete<{ Params: MemberParams }>('/v2/images/:image_id/members/:member_id', async (req, reply) => {
      await members.remove(caller(req), req.params.image_id, req.params.member_id);
      return reply.code(204).send();
    });
  };
}
