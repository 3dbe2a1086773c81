// Volume types (Cinder's types, types_manage and volume_type_access APIs): list, show, the default
// type, create, update, delete; extra specs and type access are registered from their own files.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, isForeignKeyViolation, isUniqueViolation } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, now, unwrap } from '../common.js';
import type { VolumeContext } from '../context.js';
import { qosOfTypes } from '../qos-specs/qos.tables.js';
import { perTypeKeys } from '../quotas/quota-usage.js';
import type { VolumeTypeRow } from '../volume.tables.js';
import { ensureDefaultVolumeType, extraSpecsOf } from './default-type.js';
import { registerExtraSpecRoutes } from './extra-specs.routes.js';
import { registerTypeAccessRoutes } from './type-access.routes.js';
import { extraSpecs, onlyKnown, single, typeBool, typeDescription, typeName } from './type-input.js';
import { listVisibleTypes } from './type-list.js';
import { specsByType, typeView, visibleTypeById } from './type-view.js';

type Params = { project_id: string; type_id: string };

const exists = (name: string) => new ApiError(409, `Volume Type ${name} already exists.`);

export function volumeTypeRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    const fullView = async (auth: AuthContext, row: VolumeTypeRow) => typeView(deps, auth, row, await extraSpecsOf(deps.db, row.id),
      (await qosOfTypes(deps.db, [row.id])).get(row.id) ?? null);
    app.get<{ Params: { project_id: string }; Querystring: Record<string, unknown> }>('/types', async (req) => {
      const auth = caller(req);
      const rows = await listVisibleTypes(deps, auth, req.query);
      const specs = await specsByType(deps.db, rows.map((r) => r.id));
      const qos = await qosOfTypes(deps.db, rows.map((r) => r.id));
      const body: Record<string, unknown> = { volume_types: rows.map((r) => typeView(deps, auth, r, specs.get(r.id) ?? {}, qos.get(r.id) ?? null)) };
      const limitText = single(req.query.limit);
      const limit = limitText === undefined ? undefined : Number(limitText);
      if (limit !== undefined && limit > 0 && rows.length === limit) {
        const next = new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, single(v) ?? '']));
        next.set('marker', rows[rows.length - 1]!.id);
        next.delete('offset');
        body.volume_type_links = [{ rel: 'next', href: `${deps.config.publicUrl}/volume/v3/${req.params.project_id}/types?${next.toString()}` }];
      }
      return body;
    });

    app.get<{ Params: Params }>('/types/:type_id', async (req) => {
      const auth = caller(req);
      const row = req.params.type_id === 'default'
        ? await ensureDefaultVolumeType(deps)
        : await visibleTypeById(deps.db, deps, auth, req.params.type_id);
      return { volume_type: await fullView(auth, row) };
    });

    app.post('/types', async (req, reply) => {
      const auth = caller(req);
      enforce(deps, auth, 'volume_extension:types_manage');
      const body = unwrap(req.body, 'volume_type');
      onlyKnown(body, ['name', 'description', 'extra_specs', 'os-volume-type-access:is_public'], 'volume_type');
      const name = typeName(body.name);
      const description = body.description === undefined ? null : typeDescription(body.description);
      const specs = body.extra_specs === undefined || body.extra_specs === null ? {} : extraSpecs(body.extra_specs, 'extra_specs', true);
      const isPublic = body['os-volume-type-access:is_public'] === undefined ? true : typeBool(body['os-volume-type-access:is_public'], 'os-volume-type-access:is_public');
      const ts = now();
      const row: VolumeTypeRow = { id: randomUUID(), name, description, is_public: isPublic ? 1 : 0, created_at: ts, updated_at: ts };
      try {
        await deps.db.transaction().execute(async (trx) => {
          await trx.insertInto('volume_type').values(row).execute();
          for (const [key, value] of Object.entries(specs)) {
            await trx.insertInto('volume_type_extra_spec').values({ volume_type_id: row.id, key, value }).execute();
          }
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw exists(name);
        throw err;
      }
      void reply.code(200);
      return { volume_type: typeView(deps, auth, row, specs) };
    });

    app.put<{ Params: Params }>('/types/:type_id', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'volume_extension:types_manage');
      const body = unwrap(req.body, 'volume_type');
      onlyKnown(body, ['name', 'description', 'is_public'], 'volume_type');
      const name = body.name === undefined || body.name === null ? null : typeName(body.name);
      const description = body.description === undefined ? undefined : typeDescription(body.description);
      const isPublic = body.is_public === undefined || body.is_public === null ? null : typeBool(body.is_public, 'is_public');
      if (name === null && (description === undefined || description === null) && isPublic === null) {
        throw badRequest('Specify volume type name, description, is_public or a combination thereof.');
      }
      const row = await deps.db.transaction().execute(async (trx) => {
        const old = await visibleTypeById(trx, deps, auth, req.params.type_id);
        const renamed = name !== null && name !== old.name;
        if (renamed && old.name === deps.config.volume.defaultVolumeType) {
          throw badRequest(`Invalid volume type: the default volume type ${old.name} can not be renamed (the configuration names it).`);
        }
        const changes: Partial<VolumeTypeRow> = { updated_at: now() };
        if (name !== null) changes.name = name;
        if (description !== undefined) changes.description = description;
        if (isPublic !== null) changes.is_public = isPublic ? 1 : 0;
        try {
          await trx.updateTable('volume_type').set(changes).where('id', '=', old.id).execute();
        } catch (err) {
          if (isUniqueViolation(err)) throw exists(name ?? old.name);
          throw err;
        }
        // The per-type quota limits follow the type's name (Cinder renames its quota resources).
        if (renamed) {
          const [from, to] = [perTypeKeys(old.name), perTypeKeys(name)];
          for (let i = 0; i < from.length; i++) {
            await trx.updateTable('volume_quota').set({ resource: to[i]! }).where('resource', '=', from[i]!).execute();
          }
        }
        return { ...old, ...changes };
      });
      return { volume_type: await fullView(auth, row) };
    });

    app.delete<{ Params: Params }>('/types/:type_id', async (req, reply) => {
      const auth = caller(req);
      enforce(deps, auth, 'volume_extension:types_manage');
      const inUse = badRequest('Target volume type is still in use.');
      try {
        await deps.db.transaction().execute(async (trx) => {
          const row = await visibleTypeById(trx, deps, auth, req.params.type_id);
          if (row.name === deps.config.volume.defaultVolumeType) {
            throw badRequest(`The volume type ${row.id} is a default volume type and cannot be deleted.`);
          }
          const used = await trx.selectFrom('volume').select('id').where('volume_type_id', '=', row.id).limit(1).executeTakeFirst();
          if (used) throw inUse;
          await trx.deleteFrom('volume_type_extra_spec').where('volume_type_id', '=', row.id).execute();
          await trx.deleteFrom('volume_type_access').where('volume_type_id', '=', row.id).execute();
          await trx.deleteFrom('volume_quota').where('resource', 'in', perTypeKeys(row.name)).execute();
          await trx.deleteFrom('volume_type').where('id', '=', row.id).execute();
        });
      } catch (err) {
        // A volume made with the type at the same moment.
        if (isForeignKeyViolation(err)) throw inUse;
        throw err;
      }
      return reply.code(202).send();
    });

    registerExtraSpecRoutes(app, deps);
    registerTypeAccessRoutes(app, deps);
  };
}
