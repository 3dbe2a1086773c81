import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, statusTitles } from '../errors.js';

/** Builds a service's own error body (Keystone, Nova, Neutron… each have one). */
export type ErrorBodyFormat = (status: number, title: string, message: string, type?: string) => unknown;

/** Keystone's `{"error": {"code", "title", "message"}}`. */
export const keystoneErrorBody: ErrorBodyFormat = (code, title, message) => ({ error: { code, title, message } });

/** Glance's (webob's) JSON fault: `{"message", "code": "404 Not Found", "title"}`; openstacksdk
 *  reads `message` from the root object. */
export const glanceErrorBody: ErrorBodyFormat = (code, title, message) => ({ message, code: `${code} ${title}`, title });

interface AjvError { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }

/** A person-readable message for a JSON-schema failure, naming the field. */
function validationMessage(err: FastifyError & { validation?: AjvError[]; validationContext?: string }): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext === 'body' ? '' : `${err.validationContext ?? ''} `;
  const path = (first.instancePath ?? '').split('/').filter(Boolean).join('.');
  if (first.keyword === 'required') {
    const missing = String(first.params?.missingProperty ?? '');
    return `Invalid input for ${where}field '${path || 'request body'}': '${missing}' is a required property`;
  }
  if (first.keyword === 'additionalProperties') {
    const extra = String(first.params?.additionalProperty ?? '');
    return `Invalid input for ${where}field '${path || 'request body'}': additional property '${extra}' is not allowed`;
  }
  return `Invalid input for ${where}field '${path || 'request body'}': ${first.message ?? 'is invalid'}`;
}

/** Maps anything thrown in a route to a status and a message safe to show to the caller. */
export function describeError(err: unknown): { status: number; message: string; internal: boolean; type?: string } {
  if (err instanceof ApiError) return { status: err.status, message: err.message, internal: false, type: err.type };
  const e = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e?.validation) return { status: 400, message: validationMessage(e), internal: false };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    switch (e.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return { status: 413, message: 'Request is too large.', internal: false };
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return { status: 415, message: `Unsupported Content-Type; send application/json.`, internal: false };
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return { status: 400, message: 'Malformed request body: it is not valid JSON.', internal: false };
      default:
        return { status, message: e.message, internal: false };
    }
  }
  return { status: 500, message: 'An unexpected error prevented the server from fulfilling your request.', internal: true };
}

/**
 * Gives a service plugin its error body for every error and for unknown paths. Called inside
 * the service's encapsulated plugin, so each service keeps its own format.
 */
export function installErrorHandling(app: FastifyInstance, format: ErrorBodyFormat): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, message, internal, type } = describeError(err);
    if (internal) req.log.error({ err }, 'request failed');
    else req.log.debug({ status, message }, 'request refused');
    const body = format(status, statusTitles[status] ?? 'Error', message, type);
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const body = format(404, 'Not Found', `The resource could not be found: ${req.method} ${req.url.split('?')[0]}`);
    void reply.code(404).type('application/json').send(body);
  });
}

/**
 * Fastify's refusals before any route is found (a URL that does not percent-decode, an
 * over-long path parameter): answered in the error body of the service the path belongs to,
 * not Fastify's own.
 */
export function frameworkErrorHandler(formatFor: (url: string) => ErrorBodyFormat) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const { status } = describeError(err);
    // Fastify's own texts repeat the whole URL, however long.
    const message = err.code === 'FST_ERR_BAD_URL' ? 'Invalid URL: a part of the path is not valid percent-encoding.'
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'Invalid URL: a part of the path is too long.'
        : describeError(err).message;
    void reply.code(status).type('application/json').send(formatFor(req.url)(status, statusTitles[status] ?? 'Error', message));
  };
}

/** Nova's fault names by status (nova.api.openstack.wsgi.Fault): `{"itemNotFound": {"code", "message"}}`. */
const NOVA_FAULTS: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented',
  503: 'serviceUnavailable',
};
export const novaErrorBody: ErrorBodyFormat = (code, _title, message) => ({ [NOVA_FAULTS[code] ?? 'computeFault']: { code, message } });

/** Neutron's `{"NeutronError": {"type", "message", "detail"}}`; `type` names the error (NetworkNotFound,
 *  IpAddressAlreadyAllocated…), else webob's class name for the status (HTTPBadRequest…). */
export const neutronErrorBody: ErrorBodyFormat = (code, title, message, type) =>
  ({ NeutronError: { type: type ?? `HTTP${title.replace(/[^A-Za-z]/g, '')}`, message, detail: '' } });
