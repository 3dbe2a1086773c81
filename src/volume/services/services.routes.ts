// os-services (admin): list the block storage services, and enable/disable a cinder-volume service,
// which sets volume_backend.disabled so the scheduler stops placing volumes there. Also registers
// the scheduler-stats pools and capabilities routes.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { compareVersions, parseVersion } from '../../platform/http/microversion.js';
import { badRequest, enforce, now } from '../common.js';
import type { VolumeContext } from '../context.js';
import { isObject, single } from '../volume-types/type-input.js';
import { registerPoolRoutes } from './pools.routes.js';
import { listServices, serviceView, VOLUME } from './service-list.js';

type Action = 'enable' | 'disable' | 'disable-log-reason';

const atLeast = (req: FastifyRequest, v: string): boolean =>
  req.volumeVersion !== undefined && compareVersions(req.volumeVersion, parseVersion(v)!) >= 0;

function text(body: Record<string, unknown>, key: string, required: boolean): string {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`Invalid input received: '${key}' is a required property.`);
    return '';
  }
  if (typeof v !== 'string' || v.length > 255) throw badRequest(`Invalid input for field/attribute ${key}: it must be a string of at most 255 characters.`);
  return v;
}

export function serviceRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get<{ Querystring: Record<string, unknown> }>('/os-services', async (req) => {
      enforce(deps, caller(req), 'volume_extension:services:index');
      const opts = { cluster: atLeast(req, '3.7'), backendState: atLeast(req, '3.49') };
      const services = (await listServices(deps))
        .filter((s) => single(req.query.host) === undefined || s.host === single(req.query.host))
        .filter((s) => single(req.query.binary) === undefined || s.binary === single(req.query.binary));
      return { services: services.map((s) => serviceView(s, opts)) };
    });

    app.put<{ Params: { action: string } }>('/os-services/:action', async (req) => {
      enforce(deps, caller(req), 'volume_extension:services:update');
      const action = req.params.action as Action;
      if (!['enable', 'disable', 'disable-log-reason'].includes(action)) throw new ApiError(404, `Unknown action ${req.params.action}.`);
      const body = req.body;
      if (!isObject(body)) throw badRequest('Invalid request body: it must be a JSON object with host and binary.');
      const host = text(body, 'host', true);
      const service = text(body, 'service', false);
      const binary = text(body, 'binary', false);
      const binaryKey = binary || service;
      const reason = action === 'disable-log-reason' ? text(body, 'disabled_reason', true) : null;
      const found = (await listServices(deps)).find((s) => s.host === host && s.binary === binaryKey);
      if (!found) throw new ApiError(404, `Service ${binaryKey} could not be found on host ${host}.`);
      // Only storage backends can be taken out of scheduling here.
      if (found.binary !== VOLUME) throw badRequest(`Invalid input received: only ${VOLUME} services can be enabled or disabled, not ${found.binary}.`);
      const disabled = action !== 'enable';
      await deps.db.updateTable('volume_backend')
        .set({ disabled: disabled ? 1 : 0, disabled_reason: disabled ? reason : null, updated_at: now() })
        .where('id', '=', host).execute();
      return {
        host, service, binary, status: disabled ? 'disabled' : 'enabled', disabled,
        ...(action === 'disable-log-reason' ? { disabled_reason: reason } : {}),
      };
    });

    registerPoolRoutes(app, deps);
  };
}
