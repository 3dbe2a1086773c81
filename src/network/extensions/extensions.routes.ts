// /v2.0/extensions and /v2.0/extensions/{alias}, from the one list in extension-list.ts.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { project, type Query } from '../collection.js';
import { neutronError } from '../common.js';
import type { NetworkContext } from '../context.js';
import { EXTENSIONS, type Extension } from './extension-list.js';

const view = (e: Extension) => ({ alias: e.alias, name: e.name, description: e.description, updated: e.updated, links: [] });

export function extensionRoutes(_ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/extensions', async (req) => {
      caller(req);
      return { extensions: EXTENSIONS.map((e) => project(view(e), req.query as Query)) };
    });
    app.get<{ Params: { alias: string } }>('/extensions/:alias', async (req) => {
      caller(req);
      const e = EXTENSIONS.find((x) => x.alias === req.params.alias);
      if (!e) throw neutronError(404, 'HTTPNotFound', `Extension with alias ${req.params.alias} does not exist`);
      return { extension: view(e) };
    });
  };
}
