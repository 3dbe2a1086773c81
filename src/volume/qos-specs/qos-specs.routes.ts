// QoS specs (Cinder's qos-specs, admin): create, list, show, set and unset keys, delete, and their
// association with volume types (a type carries at most one). Nothing enforces them yet: they are
// recorded and shown, as Cinder does for a backend without QoS support.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ApiError, isUniqueViolation } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, json, notFound, now, parseBool, type VolumeDeps } from '../common.js';
import type { VolumeContext } from '../context.js';
import type { QosSpecRow } from '../volume.tables.js';
import { extraSpecs, isObject, single, typeName } from '../volume-types/type-input.js';
import { withQos } from './qos.tables.js';

type Params = { project_id: string; qos_id: string };
const CONSUMERS = ['front-end', 'back-end', 'both'];

function view(deps: VolumeDeps, projectId: string, row: QosSpecRow) {
  const spec = { id: row.id, name: row.name, consumer: row.consumer, specs: json<Record<string, string>>(row.specs, {}) };
  const links = [
    { href: `${deps.config.publicUrl}/volume/v3/${projectId}/qos-specs/${row.id}`, rel: 'self' },
    { href: `${deps.config.publicUrl}/volume/${projectId}/qos-specs/${row.id}`, rel: 'bookmark' },
  ];
  return { spec, links };
}

async function load(deps: VolumeDeps, id: string): Promise<QosSpecRow> {
  const row = await deps.db.selectFrom('volume_qos_spec').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.qos(id);
  return row;
}

function consumerOf(v: unknown): string {
  if (typeof v !== 'string' || !CONSUMERS.includes(v)) throw badRequest(`Invalid input received: consumer must be one of ${CONSUMERS.join(', ')}, got '${String(v)}'.`);
  return v;
}

function typeIdParam(q: Record<string, unknown>): string {
  const id = single(q.vol_type_id);
  if (!id) throw badRequest('Volume Type id must not be None.');
  return id;
}

function registerAssociations(app: FastifyInstance, deps: VolumeDeps): void {
  const db = withQos(deps.db);
  app.get<{ Params: Params }>('/qos-specs/:qos_id/associations', async (req) => {
    enforce(deps, caller(req), 'volume_extension:qos_specs_manage:get_all');
    const spec = await load(deps, req.params.qos_id);
    const rows = await db.selectFrom('volume_type_qos').innerJoin('volume_type', 'volume_type.id', 'volume_type_qos.volume_type_id')
      .select(['volume_type.id', 'volume_type.name']).where('volume_type_qos.qos_specs_id', '=', spec.id).orderBy('volume_type.name').execute();
    return { qos_associations: rows.map((r) => ({ association_type: 'volume_type', name: r.name, id: r.id })) };
  });

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>('/qos-specs/:qos_id/associate', async (req, reply) => {
    enforce(deps, caller(req), 'volume_extension:qos_specs_manage:update');
    const typeId = typeIdParam(req.query);
    const spec = await load(deps, req.params.qos_id);
    await db.transaction().execute(async (trx) => {
      const type = await trx.selectFrom('volume_type').select('id').where('id', '=', typeId).executeTakeFirst();
      if (!type) throw notFound.volumeType(typeId);
      const current = await trx.selectFrom('volume_type_qos').select('qos_specs_id').where('volume_type_id', '=', typeId).executeTakeFirst();
      if (current?.qos_specs_id === spec.id) return;
      if (current) throw badRequest(`Invalid volume type: Type ${typeId} is already associated with another qos specs: ${current.qos_specs_id}`);
      await trx.insertInto('volume_type_qos').values({ volume_type_id: typeId, qos_specs_id: spec.id }).execute();
    });
    return reply.code(202).send();
  });

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>('/qos-specs/:qos_id/disassociate', async (req, reply) => {
    enforce(deps, caller(req), 'volume_extension:qos_specs_manage:update');
    const typeId = typeIdParam(req.query);
    const spec = await load(deps, req.params.qos_id);
    const type = await deps.db.selectFrom('volume_type').select('id').where('id', '=', typeId).executeTakeFirst();
    if (!type) throw notFound.volumeType(typeId);
    await db.deleteFrom('volume_type_qos').where('volume_type_id', '=', typeId).where('qos_specs_id', '=', spec.id).execute();
    return reply.code(202).send();
  });

  app.get<{ Params: Params }>('/qos-specs/:qos_id/disassociate_all', async (req, reply) => {
    enforce(deps, caller(req), 'volume_extension:qos_specs_manage:update');
    const spec = await load(deps, req.params.qos_id);
    await db.deleteFrom('volume_type_qos').where('qos_specs_id', '=', spec.id).execute();
    return reply.code(202).send();
  });
}

export function qosSpecRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get<{ Params: Params }>('/qos-specs', async (req) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:get_all');
      const rows = await deps.db.selectFrom('volume_qos_spec').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
      return { qos_specs: rows.map((r) => view(deps, req.params.project_id, r).spec) };
    });

    app.get<{ Params: Params }>('/qos-specs/:qos_id', async (req) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:get');
      const v = view(deps, req.params.project_id, await load(deps, req.params.qos_id));
      return { qos_specs: v.spec, links: v.links };
    });

    app.post<{ Params: Params }>('/qos-specs', async (req) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:create');
      const body = isObject(req.body) ? req.body.qos_specs : undefined;
      if (!isObject(body)) throw badRequest("Missing required element 'qos_specs' in request body.");
      const { name: rawName, consumer: rawConsumer, ...rest } = body;
      const name = typeName(rawName).trim();
      const consumer = rawConsumer === undefined ? 'back-end' : consumerOf(rawConsumer);
      const specs = extraSpecs(rest, 'qos_specs');
      const row: QosSpecRow = { id: randomUUID(), name, consumer, specs: JSON.stringify(specs), created_at: now() };
      try {
        await deps.db.insertInto('volume_qos_spec').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError(409, `QoS Specs ${name} already exists.`);
        throw err;
      }
      const v = view(deps, req.params.project_id, row);
      return { qos_specs: v.spec, links: v.links };
    });

    app.put<{ Params: Params }>('/qos-specs/:qos_id', async (req) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:update');
      const body = isObject(req.body) ? req.body.qos_specs : undefined;
      if (!isObject(body)) throw badRequest("Missing required element 'qos_specs' in request body.");
      const { consumer: rawConsumer, ...rest } = body;
      const consumer = rawConsumer === undefined ? undefined : consumerOf(rawConsumer);
      const specs = extraSpecs(rest, 'qos_specs');
      await deps.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('volume_qos_spec').selectAll().where('id', '=', req.params.qos_id).executeTakeFirst();
        if (!row) throw notFound.qos(req.params.qos_id);
        const merged = { ...json<Record<string, string>>(row.specs, {}), ...specs };
        await trx.updateTable('volume_qos_spec').set({ specs: JSON.stringify(merged), ...(consumer ? { consumer } : {}) })
          .where('id', '=', row.id).execute();
      });
      return { qos_specs: body };
    });

    app.put<{ Params: Params }>('/qos-specs/:qos_id/delete_keys', async (req, reply) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:delete');
      const keys = isObject(req.body) ? req.body.keys : undefined;
      if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
        throw badRequest('Invalid input received: keys must be a non-empty list of spec names.');
      }
      await deps.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('volume_qos_spec').selectAll().where('id', '=', req.params.qos_id).executeTakeFirst();
        if (!row) throw notFound.qos(req.params.qos_id);
        const specs = json<Record<string, string>>(row.specs, {});
        for (const k of keys as string[]) {
          if (!(k in specs)) throw new ApiError(404, `QoS spec ${k} not found in ${row.id}.`);
          delete specs[k];
        }
        await trx.updateTable('volume_qos_spec').set({ specs: JSON.stringify(specs) }).where('id', '=', row.id).execute();
      });
      return reply.code(202).send();
    });

    app.delete<{ Params: Params; Querystring: Record<string, unknown> }>('/qos-specs/:qos_id', async (req, reply) => {
      enforce(deps, caller(req), 'volume_extension:qos_specs_manage:delete');
      const forceText = single(req.query.force);
      const force = forceText === undefined ? false : parseBool(forceText, 'force');
      await deps.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('volume_qos_spec').select('id').where('id', '=', req.params.qos_id).executeTakeFirst();
        if (!row) throw notFound.qos(req.params.qos_id);
        const q = withQos(trx);
        const used = await q.selectFrom('volume_type_qos').select('volume_type_id').where('qos_specs_id', '=', row.id).limit(1).executeTakeFirst();
        if (used && !force) throw badRequest('Qos specs still in use.');
        await q.deleteFrom('volume_type_qos').where('qos_specs_id', '=', row.id).execute();
        await trx.deleteFrom('volume_qos_spec').where('id', '=', row.id).execute();
      });
      return reply.code(202).send();
    });

    registerAssociations(app, deps);
  };
}
