// os-services: list, update (2.53+ by UUID; before that the disable/enable/disable-log-reason/
// force-down actions by host and binary) and delete.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce } from '../common.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { COMPUTE_BINARY } from './service-state.js';
import { ComputeServices, type ServiceChanges, type ServiceShape } from './services.service.js';

type Params = { id: string };
type Body = Record<string, unknown>;
const LEGACY_ACTIONS = ['enable', 'disable', 'disable-log-reason', 'force-down'];

export function serviceRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const services = new ComputeServices(deps);
  const shape = (req: FastifyRequest): ServiceShape => ({ uuidIds: has(req, 'serviceHypervisorUuids'), forcedDown: has(req, 'serviceForcedDown') });

  return async (app) => {
    app.get('/os-services', async (req) => {
      enforce(deps, caller(req), 'os-services:list');
      const q = req.query as Record<string, unknown>;
      const filter = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
      return { services: await services.list({ host: filter('host'), binary: filter('binary') }, shape(req)) };
    });

    app.put<{ Params: Params }>('/os-services/:id', async (req) => {
      enforce(deps, caller(req), 'os-services:update');
      if (!isObject(req.body)) throw badRequest("Invalid input for field 'request body': it must be an object.");
      const body = req.body;
      if (has(req, 'serviceHypervisorUuids')) {
        const row = await services.byId(req.params.id, true);
        const changes = modernChanges(body);
        if (row.binary !== COMPUTE_BINARY) {
          throw badRequest(`Updating a ${row.binary} service is not supported. Only nova-compute services can be updated.`);
        }
        const [view] = await services.views([await services.update(row, changes)], shape(req));
        return { service: view };
      }
      const action = req.params.id;
      if (!LEGACY_ACTIONS.includes(action) || (action === 'force-down' && !has(req, 'serviceForcedDown'))) {
        throw notFound(`Unknown action: ${action}`);
      }
      // One body schema for every action, as Nova's (forced_down known from 2.11).
      onlyKeys(body, ['host', 'binary', 'disabled_reason', ...(has(req, 'serviceForcedDown') ? ['forced_down'] : [])]);
      const host = str(body.host, 'host');
      const binary = str(body.binary, 'binary');
      if (binary !== COMPUTE_BINARY) throw badRequest(`Updating a ${binary} service is not supported. Only nova-compute services can be updated.`);
      const row = await services.byHostAndBinary(host, binary);
      switch (action) {
        case 'enable':
          await services.update(row, { disabled: false });
          return { service: { host, binary, status: 'enabled' } };
        case 'disable':
          await services.update(row, { disabled: true });
          return { service: { host, binary, status: 'disabled' } };
        case 'disable-log-reason': {
          if (body.disabled_reason === undefined) throw badRequest('Missing disabled reason field');
          const reason = str(body.disabled_reason, 'disabled_reason');
          await services.update(row, { disabled: true, disabled_reason: reason });
          return { service: { host, binary, status: 'disabled', disabled_reason: reason } };
        }
        default: {
          if (body.forced_down === undefined) throw badRequest('Missing forced_down field');
          const forced = bool(body.forced_down, 'forced_down');
          await services.update(row, { forced_down: forced });
          return { service: { host, binary, forced_down: forced } };
        }
      }
    });

    app.delete<{ Params: Params }>('/os-services/:id', async (req, reply) => {
      enforce(deps, caller(req), 'os-services:delete');
      await services.remove(await services.byId(req.params.id, has(req, 'serviceHypervisorUuids')));
      return reply.code(204).send();
    });
  };
}

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(body: Body, allowed: string[]): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw badRequest(`Invalid input for field 'request body': additional property '${extra}' is not allowed.`);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > 255) {
    throw badRequest(`Invalid input for field '${field}': it must be a string of 1 to 255 characters.`);
  }
  return v;
}

/** Nova's schema boolean: true/false or their usual spellings as strings. */
function bool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  const t = typeof v === 'string' ? v.toLowerCase() : '';
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(t)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(t)) return false;
  throw badRequest(`Invalid input for field '${field}': it must be a boolean.`);
}

/** The 2.53 body: status, disabled_reason (only with status disabled), forced_down. */
function modernChanges(body: Body): ServiceChanges {
  onlyKeys(body, ['status', 'disabled_reason', 'forced_down']);
  if (Object.keys(body).length === 0) throw badRequest('No updates were requested. Fields \'status\' or \'forced_down\' should be specified.');
  const changes: ServiceChanges = {};
  if (body.status !== undefined) {
    if (body.status !== 'enabled' && body.status !== 'disabled') throw badRequest("Invalid input for field 'status': it must be 'enabled' or 'disabled'.");
    changes.disabled = body.status === 'disabled';
  }
  if (body.disabled_reason !== undefined) {
    if (body.status !== 'disabled') throw badRequest("Specifying 'disabled_reason' with status other than 'disabled' is invalid.");
    changes.disabled_reason = str(body.disabled_reason, 'disabled_reason');
  }
  if (body.forced_down !== undefined) changes.forced_down = bool(body.forced_down, 'forced_down');
  if (changes.disabled === undefined && changes.forced_down === undefined) {
    throw badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  }
  return changes;
}
