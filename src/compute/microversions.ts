// The compute API's microversions: the supported range and, by name, the version each response
// or behaviour difference arrived in. Code asks `has(req, 'serverTags')`, never compares numbers.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { compareVersions as cmp, formatVersion as format, parseVersion, requestedMicroversion, type ApiVersion } from '../platform/http/microversion.js';

export const MIN_VERSION = '2.1';
export const MAX_VERSION = '2.64';

export const FEATURES = {
  keypairType: '2.2',
  extendedServerAttributes: '2.3',
  remoteConsoles: '2.6',
  serverLocked: '2.9',
  keypairUserId: '2.10',
  serviceForcedDown: '2.11',
  serverGroupUserProject: '2.13',
  softAffinity: '2.15',
  hostStatus: '2.16',
  serverDescription: '2.19',
  deletedInstanceActions: '2.21',
  serverTags: '2.26',
  hypervisorCpuInfoObject: '2.28',
  hypervisorPagination: '2.33',
  keypairPagination: '2.35',
  proxyApisRemoved: '2.36',
  networksAutoNone: '2.37',
  invalidStatusIs400: '2.38',
  limitsNoImageMeta: '2.39',
  usagePagination: '2.40',
  aggregateUuid: '2.41',
  multinicRemoved: '2.44',
  createImageReturnsBody: '2.45',
  serverFlavorEmbedded: '2.47',
  standardDiagnostics: '2.48',
  eventsForNonAdmins: '2.51',
  tagsOnCreate: '2.52',
  serviceHypervisorUuids: '2.53',
  rebuildKeyName: '2.54',
  flavorDescription: '2.55',
  rebuildUserData: '2.57',
  actionsPagination: '2.58',
  flavorExtraSpecsInBody: '2.61',
  eventHostId: '2.62',
  trustedCerts: '2.63',
  serverGroupRules: '2.64',
} as const;
export type Feature = keyof typeof FEATURES;

export type { ApiVersion } from '../platform/http/microversion.js';
export { parseVersion } from '../platform/http/microversion.js';
const MIN = parseVersion(MIN_VERSION)!;

/** The version a request asked for: `OpenStack-API-Version: compute X.Y`, else the legacy header, else 2.1. */
export const requestedVersion = (headers: Record<string, string | string[] | undefined>): ApiVersion =>
  requestedMicroversion(headers, { service: 'compute', legacyHeader: 'x-openstack-nova-api-version', min: MIN_VERSION, max: MAX_VERSION });

declare module 'fastify' {
  interface FastifyRequest {
    computeVersion?: ApiVersion;
    /** `req-<uuid>`, answered in x-openstack-request-id and recorded by instance actions. */
    computeRequestId?: string;
  }
}

/** Whether the request's microversion includes a feature. */
export function has(req: FastifyRequest | ApiVersion, feature: Feature): boolean {
  const v = 'major' in req ? req : (req.computeVersion ?? MIN);
  return cmp(v, parseVersion(FEATURES[feature])!) >= 0;
}


/** Reads the version on every request of the compute scope and echoes it in the answer. */
export function installMicroversions(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    req.computeRequestId = `req-${randomUUID()}`;
    void reply.header('x-openstack-request-id', req.computeRequestId);
    void reply.header('x-compute-request-id', req.computeRequestId);
    void reply.header('vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    const v = requestedVersion(req.headers);
    req.computeVersion = v;
    void reply.header('openstack-api-version', `compute ${format(v)}`);
    void reply.header('x-openstack-nova-api-version', format(v));
  });
}
