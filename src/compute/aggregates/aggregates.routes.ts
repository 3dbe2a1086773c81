// os-aggregates: admin API over host aggregates (list, create, show, update, delete and the
// add_host / remove_host / set_metadata actions).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce } from '../common.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { AggregateService } from './aggregates.service.js';

type Params = { id: string };
type Body = Record<string, unknown>;

export function aggregateRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const aggregates = new AggregateService(deps.db);
  const allow = (req: FastifyRequest, rule: string) => enforce(deps, caller(req), `os-aggregates:${rule}`);
  const uuid = (req: FastifyRequest) => has(req, 'aggregateUuid');

  return async (app) => {
    app.get('/os-aggregates', async (req) => {
      allow(req, 'index');
      return { aggregates: await aggregates.list(uuid(req)) };
    });

    app.post('/os-aggregates', async (req) => {
      allow(req, 'create');
      const body = wrapper(req.body, 'aggregate');
      onlyKeys(body, ['name', 'availability_zone'], 'aggregate');
      const name = str(body.name, 'name');
      const zone = body.availability_zone === undefined || body.availability_zone === null ? null : str(body.availability_zone, 'availability_zone');
      return { aggregate: await aggregates.create(name, zone, uuid(req)) };
    });

    app.get<{ Params: Params }>('/os-aggregates/:id', async (req) => {
      allow(req, 'show');
      return { aggregate: await aggregates.show(aggregateId(req.params.id), uuid(req)) };
    });

    app.put<{ Params: Params }>('/os-aggregates/:id', async (req) => {
      allow(req, 'update');
      const id = aggregateId(req.params.id);
      const body = wrapper(req.body, 'aggregate');
      onlyKeys(body, ['name', 'availability_zone'], 'aggregate');
      if (body.name === undefined && body.availability_zone === undefined) {
        throw badRequest("Invalid input for field 'aggregate': give 'name' or 'availability_zone'.");
      }
      const changes: { name?: string; availability_zone?: string | null } = {};
      if (body.name !== undefined) changes.name = str(body.name, 'name');
      if (body.availability_zone !== undefined) changes.availability_zone = body.availability_zone === null ? null : str(body.availability_zone, 'availability_zone');
      return { aggregate: await aggregates.update(id, changes, uuid(req)) };
    });

    app.delete<{ Params: Params }>('/os-aggregates/:id', async (req, reply) => {
      allow(req, 'delete');
      await aggregates.remove(aggregateId(req.params.id));
      return reply.code(200).send();
    });

    app.post<{ Params: Params }>('/os-aggregates/:id/action', async (req) => {
      const id = aggregateId(req.params.id);
      const body = req.body;
      if (!isObject(body) || Object.keys(body).length !== 1) {
        throw badRequest("Invalid input for field 'request body': give exactly one of 'add_host', 'remove_host' or 'set_metadata'.");
      }
      const [action, arg] = Object.entries(body)[0]!;
      switch (action) {
        case 'add_host':
        case 'remove_host': {
          allow(req, action);
          const host = str(wrapper(body, action).host, `${action}.host`);
          onlyKeys(arg as Body, ['host'], action);
          const agg = action === 'add_host' ? await aggregates.addHost(id, host, uuid(req)) : await aggregates.removeHost(id, host, uuid(req));
          return { aggregate: agg };
        }
        case 'set_metadata': {
          allow(req, 'set_metadata');
          const inner = wrapper(body, 'set_metadata');
          onlyKeys(inner, ['metadata'], 'set_metadata');
          return { aggregate: await aggregates.setMetadata(id, metadata(inner.metadata), uuid(req)) };
        }
        default:
          throw badRequest(`Invalid input for field 'request body': unknown action '${action}'; give 'add_host', 'remove_host' or 'set_metadata'.`);
      }
    });
  };
}

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

function wrapper(body: unknown, key: string): Body {
  const inner = isObject(body) ? body[key] : undefined;
  if (!isObject(inner)) throw badRequest(`Invalid input for field '${key}': it is a required object.`);
  return inner;
}

function onlyKeys(body: Body, allowed: string[], where: string): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw badRequest(`Invalid input for field '${where}': additional property '${extra}' is not allowed.`);
}

/** Nova's names: 1–255 characters; surrounding spaces are dropped (Nova's normalize_name). */
function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw badRequest(`Invalid input for field '${field}': it must be a string.`);
  const name = v.trim();
  if (name.length < 1 || v.length > 255) throw badRequest(`Invalid input for field '${field}': it must be 1 to 255 characters long, not only spaces.`);
  return name;
}

function metadata(v: unknown): Record<string, string | null> {
  if (!isObject(v)) throw badRequest("Invalid input for field 'set_metadata.metadata': it is a required object.");
  const out: Record<string, string | null> = {};
  for (const [k, value] of Object.entries(v)) {
    if (k.length < 1 || k.length > 255) throw badRequest("Invalid input for field 'set_metadata.metadata': keys must be 1 to 255 characters long.");
    if (value !== null && (typeof value !== 'string' || value.length > 255)) {
      throw badRequest(`Invalid input for field 'set_metadata.metadata.${k}': it must be a string of at most 255 characters, or null to delete it.`);
    }
    out[k] = value;
  }
  return out;
}

function aggregateId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid aggregate id ${raw}: it must be an integer.`);
  // Past the integer column's range no aggregate can exist (and PostgreSQL would refuse the value).
  if (raw.length > 10 || Number(raw) > 0x7fffffff) throw notFound(`Aggregate ${raw} could not be found.`);
  return Number(raw);
}
