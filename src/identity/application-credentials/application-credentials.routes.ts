import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { AppCredCreate, AppCredListQuery } from './application-credentials.schemas.js';
import type { ApplicationCredentialService } from './application-credentials.service.js';

type UserParams = { user_id: string };
type Params = UserParams & { application_credential_id: string };

const Id = Type.String({ minLength: 1, maxLength: 255 });

export function applicationCredentialRoutes(deps: IdentityDeps, appCreds: ApplicationCredentialService): FastifyPluginAsync {
  return async (app) => {
    const userParams = Type.Object({ user_id: Id });
    const params = Type.Object({ user_id: Id, application_credential_id: Id });
    const base = '/v3/users/:user_id/application_credentials';

    app.get<{ Params: UserParams; Querystring: AppCredListQuery }>(base, {
      schema: { params: userParams, querystring: AppCredListQuery },
    }, async (req) => ({
      application_credentials: await appCreds.list(caller(req), req.params.user_id, req.query),
      links: collectionLinks(deps.config, `users/${req.params.user_id}/application_credentials`),
    }));

    app.post<{ Params: UserParams; Body: { application_credential: AppCredCreate } }>(base, {
      schema: { params: userParams, body: Type.Object({ application_credential: AppCredCreate }, { additionalProperties: false }) },
    }, async (req, reply) => reply.code(201).send({
      application_credential: await appCreds.create(caller(req), req.params.user_id, req.body.application_credential),
    }));

    app.get<{ Params: Params }>(`${base}/:application_credential_id`, { schema: { params } }, async (req) => ({
      application_credential: await appCreds.show(caller(req), req.params.user_id, req.params.application_credential_id),
    }));

    app.delete<{ Params: Params }>(`${base}/:application_credential_id`, { schema: { params } }, async (req, reply) => {
      await appCreds.remove(caller(req), req.params.user_id, req.params.application_credential_id);
      return reply.code(204).send();
    });
  };
}
