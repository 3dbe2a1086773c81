// Private volume types and the projects allowed to use them (Cinder's volume_type_access):
// list the projects, and the addProjectAccess / removeProjectAccess actions.
import type { FastifyInstance } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, isUniqueViolation } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, isAdmin, type VolumeDeps } from '../common.js';
import { accessProject, isObject } from './type-input.js';
import { visibleTypeById } from './type-view.js';

type Params = { type_id: string };

const NOT_FOR_PUBLIC = 'Invalid volume type: Type access modification is not applicable to public volume type.';
const LIST_RULE = 'volume_extension:volume_type_access:get_all_for_type';

/** Cinder's rule for listing a type's projects (admin); admins pass while the policy file lacks it. */
function enforceList(deps: VolumeDeps, auth: AuthContext): void {
  if (deps.policy.rules().includes(LIST_RULE)) enforce(deps, auth, LIST_RULE);
  else if (!isAdmin(deps, auth)) throw new ApiError(403, `Policy doesn't allow ${LIST_RULE} to be performed.`);
}

export function registerTypeAccessRoutes(app: FastifyInstance, deps: VolumeDeps): void {
  app.get<{ Params: Params }>('/types/:type_id/os-volume-type-access', async (req) => {
    const auth = caller(req);
    enforceList(deps, auth);
    const type = await visibleTypeById(deps.db, deps, auth, req.params.type_id);
    if (type.is_public) throw new ApiError(404, 'Access list not available for public volume types.');
    const rows = await deps.db.selectFrom('volume_type_access').select(['volume_type_id', 'project_id'])
      .where('volume_type_id', '=', type.id).orderBy('project_id').execute();
    return { volume_type_access: rows };
  });

  app.post<{ Params: Params }>('/types/:type_id/action', async (req, reply) => {
    const auth = caller(req);
    const body = req.body;
    if (!isObject(body) || Object.keys(body).length !== 1) throw badRequest('Invalid request body: it must name exactly one action.');
    const action = Object.keys(body)[0]!;
    if (action !== 'addProjectAccess' && action !== 'removeProjectAccess') throw badRequest(`There is no such action: ${action}`);
    enforce(deps, auth, `volume_extension:volume_type_access:${action}`);
    const project = accessProject(body, action);
    await deps.db.transaction().execute(async (trx) => {
      const type = await visibleTypeById(trx, deps, auth, req.params.type_id);
      if (type.is_public) throw badRequest(NOT_FOR_PUBLIC);
      if (action === 'addProjectAccess') {
        try {
          await trx.insertInto('volume_type_access').values({ volume_type_id: type.id, project_id: project }).execute();
        } catch (err) {
          if (isUniqueViolation(err)) throw new ApiError(409, `Volume type access for ${type.id} / ${project} combination already exists.`);
          throw err;
        }
      } else {
        const gone = await trx.deleteFrom('volume_type_access')
          .where('volume_type_id', '=', type.id).where('project_id', '=', project).executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0) throw new ApiError(404, `Volume type access not found for ${type.id} / ${project} combination.`);
      }
    });
    return reply.code(202).send();
  });
}
