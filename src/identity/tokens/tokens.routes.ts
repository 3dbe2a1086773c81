import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { targetsOfUser } from '../assignments/effective-roles.js';
import { buildCatalog } from '../catalog/catalog.js';
import { bool, collectionLinks, notFoundError, type IdentityDeps } from '../common.js';
import type { DomainService } from '../domains/domains.service.js';
import type { ProjectService } from '../projects/projects.service.js';
import { AuthRequest } from './auth-request.schemas.js';
import { tokenBody } from './token-body.js';
import type { ResolvedToken, TokenService } from './tokens.service.js';

type NoCatalog = { Querystring: { nocatalog?: string } };

export function tokenRoutes(deps: IdentityDeps, tokens: TokenService, projects: ProjectService, domains: DomainService): FastifyPluginAsync {
  const withCatalog = async (r: ResolvedToken, nocatalog: string | undefined) =>
    tokenBody(r, nocatalog === undefined ? await buildCatalog(deps.db, r.project?.id) : undefined);

  /** The token named by X-Subject-Token, after the policy check on it. */
  const subject = async (req: FastifyRequest): Promise<{ token: string; resolved: ResolvedToken | null }> => {
    const auth = caller(req);
    const token = req.headers['x-subject-token'];
    if (typeof token !== 'string' || token === '') throw badRequest('Expecting the token to check in X-Subject-Token.');
    const resolved = await tokens.resolve(token);
    const action = req.method === 'DELETE' ? 'identity:revoke_token' : 'identity:validate_token';
    deps.policy.enforce(auth, action, { token: { user_id: resolved?.user.id ?? auth.userId } });
    return { token, resolved };
  };

  return async (app) => {
    app.post<{ Body: AuthRequest } & NoCatalog>('/v3/auth/tokens', {
      schema: { body: AuthRequest },
      config: { public: true },
    }, async (req, reply) => {
      const { token, resolved } = await tokens.issue(req.body);
      return reply.code(201).header('X-Subject-Token', token)
        .send({ token: await withCatalog(resolved, req.query.nocatalog) });
    });

    app.get<NoCatalog>('/v3/auth/tokens', async (req, reply) => {
      const { token, resolved } = await subject(req);
      if (!resolved) throw notFoundError('token', 'the token in X-Subject-Token');
      return reply.header('X-Subject-Token', token).send({ token: await withCatalog(resolved, req.query.nocatalog) });
    });

    app.delete('/v3/auth/tokens', async (req, reply) => {
      const { token, resolved } = await subject(req);
      if (!resolved || !(await tokens.revoke(token))) throw notFoundError('token', 'the token in X-Subject-Token');
      return reply.code(204).send();
    });

    app.get('/v3/auth/catalog', async (req) => ({
      catalog: await buildCatalog(deps.db, caller(req).projectId),
      links: collectionLinks(deps.config, 'auth/catalog'),
    }));

    app.get('/v3/auth/projects', async (req) => {
      const ids = await targetsOfUser(deps.db, caller(req).userId, 'project');
      const rows = ids.length
        ? await deps.db.selectFrom('project').selectAll().where('id', 'in', ids).where('enabled', '=', 1).orderBy('name').execute()
        : [];
      return { projects: rows.map((r) => projects.view(r)), links: collectionLinks(deps.config, 'auth/projects') };
    });

    app.get('/v3/auth/domains', async (req) => {
      const ids = await targetsOfUser(deps.db, caller(req).userId, 'domain');
      const rows = ids.length ? await deps.db.selectFrom('domain').selectAll().where('id', 'in', ids).orderBy('name').execute() : [];
      return { domains: rows.filter((r) => bool(r.enabled)).map((r) => domains.view(r)), links: collectionLinks(deps.config, 'auth/domains') };
    });

    app.get('/v3/auth/system', async (req) => {
      const ids = await targetsOfUser(deps.db, caller(req).userId, 'system');
      return { system: ids.includes('all') ? [{ all: true }] : [], links: collectionLinks(deps.config, 'auth/system') };
    });
  };
}
