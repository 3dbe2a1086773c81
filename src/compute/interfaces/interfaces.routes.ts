// /servers/{id}/os-interface: list, show, attach (200 with the new interface) and detach (202).
// Views are Nova's interfaceAttachment below 2.70 (no tag).
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { notFound } from '../../platform/errors.js';
import type { ComputeContext } from '../context.js';
import { enforce, target } from '../common.js';
import { checkNotLocked, loadServer } from '../servers/server-load.js';
import { attachInterface, checkInterfaceState, detachInterface, readAttachBody } from './interfaces.service.js';

type Params = { server_id: string };
type PortParams = Params & { port_id: string };

export function interfaceRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const deps = ctx.deps;
  return async (app) => {
    app.get<{ Params: Params }>('/servers/:server_id/os-interface', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'os-attach-interfaces:list', target(auth, row.project_id, row.user_id));
      return { interfaceAttachments: await deps.network.interfaces(row.uuid) };
    });

    app.get<{ Params: PortParams }>('/servers/:server_id/os-interface/:port_id', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'os-attach-interfaces:show', target(auth, row.project_id, row.user_id));
      const found = (await deps.network.interfaces(row.uuid)).find((i) => i.port_id === req.params.port_id);
      if (!found) throw notFound(`Instance ${row.uuid} does not have a port with id ${req.params.port_id}`);
      return { interfaceAttachment: found };
    });

    app.post<{ Params: Params }>('/servers/:server_id/os-interface', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'os-attach-interfaces:create', target(auth, row.project_id, row.user_id));
      checkNotLocked(deps, auth, row);
      const body = readAttachBody(req.body);
      checkInterfaceState(row, 'attach_interface');
      const record = () => ctx.conductor.record(row.uuid, auth, 'attach_interface', req.computeRequestId!, row.project_id);
      return { interfaceAttachment: await attachInterface(ctx, auth, row, body, record) };
    });

    app.delete<{ Params: PortParams }>('/servers/:server_id/os-interface/:port_id', async (req, reply) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'os-attach-interfaces:delete', target(auth, row.project_id, row.user_id));
      checkNotLocked(deps, auth, row);
      checkInterfaceState(row, 'detach_interface');
      const record = () => ctx.conductor.record(row.uuid, auth, 'detach_interface', req.computeRequestId!, row.project_id);
      await detachInterface(ctx, row, req.params.port_id, record);
      return reply.code(202).send();
    });
  };
}
