// /v2.0/ports: thin handlers over ports.service.ts and port-update.ts.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { listResponse, project, type Query } from '../collection.js';
import { isAdmin } from '../common.js';
import type { NetworkContext } from '../context.js';
import { createBodies, singleBody } from '../networks/attributes.js';
import { parsePortBody } from './port-body.js';
import { updatePort } from './port-update.js';
import { PORT_ADMIN_ATTRIBUTES, PORT_ATTRIBUTES } from './port-view.js';
import { createPorts, deletePort, listPorts, showPort } from './ports.service.js';

type Params = { port_id: string };

/** openstacksdk asks `fields=security_group_ids` (its own name for `security_groups`, e.g. `port list --long`). */
function sdkFieldNames(query: Query): void {
  const f = query.fields;
  if (f === undefined) return;
  const rename = (x: string) => x.split(',').map((n) => (n === 'security_group_ids' ? 'security_groups' : n)).join(',');
  query.fields = Array.isArray(f) ? f.map(rename) : rename(f);
}

export function portRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get('/ports', async (req) => {
      const auth = caller(req);
      sdkFieldNames(req.query as Query);
      const views = await listPorts(ctx, auth);
      const attrs = isAdmin(deps, auth) ? [...PORT_ATTRIBUTES, ...PORT_ADMIN_ATTRIBUTES] : [...PORT_ATTRIBUTES];
      return listResponse(req, deps.config.publicUrl, 'ports', attrs, views);
    });

    app.post('/ports', async (req, reply) => {
      const { bodies, bulk } = createBodies(req.body, 'port', 'ports');
      const views = await createPorts(ctx, caller(req), bodies.map((b) => parsePortBody(b, 'POST')));
      return reply.code(201).send(bulk ? { ports: views } : { port: views[0] });
    });

    app.get<{ Params: Params }>('/ports/:port_id', async (req) => {
      const view = await showPort(ctx, caller(req), req.params.port_id);
      return { port: project(view, req.query as Query) };
    });

    app.put<{ Params: Params }>('/ports/:port_id', async (req) => {
      const auth = caller(req);
      const view = await updatePort(ctx, auth, req.params.port_id, parsePortBody(singleBody(req.body, 'port'), 'PUT'));
      return { port: view };
    });

    app.delete<{ Params: Params }>('/ports/:port_id', async (req, reply) => {
      await deletePort(ctx, caller(req), req.params.port_id);
      return reply.code(204).send();
    });
  };
}
