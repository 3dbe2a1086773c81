// The block storage API's microversions: the supported range and, by name, the version each
// response or behaviour difference arrived in. Code asks `has(req, 'attachmentsApi')`.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { compareVersions, formatVersion, parseVersion, requestedMicroversion, type ApiVersion } from '../platform/http/microversion.js';

export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.60';

export const FEATURES = {
  imageUploadVisibility: '3.1',
  messages: '3.3',
  listFiltersByGlanceMetadata: '3.4',
  backupProjectId: '3.18',
  volumeSummary: '3.12',
  groupIdInVolume: '3.13',
  providerId: '3.21',
  attachmentsApi: '3.27',
  volumesFilterLike: '3.34',
  revertToSnapshot: '3.40',
  snapshotUserId: '3.41',
  extendAttached: '3.42',
  backupMetadata: '3.43',
  attachmentComplete: '3.44',
  volumeCount: '3.45',
  createFromBackup: '3.47',
  sharedTargets: '3.48',
  multiattachType: '3.50',
  backupAvailabilityZone: '3.51',
  attachmentMode: '3.54',
  transferSnapshots: '3.55',
  backupUserId: '3.56',
  transfersPaging: '3.59',
  filterByTime: '3.60',
} as const;
export type Feature = keyof typeof FEATURES;

declare module 'fastify' {
  interface FastifyRequest {
    volumeVersion?: ApiVersion;
    volumeRequestId?: string;
  }
}

const MIN = parseVersion(MIN_VERSION)!;

/** Whether the request's microversion includes a feature. */
export function has(req: FastifyRequest | ApiVersion, feature: Feature): boolean {
  const v = 'major' in req ? req : (req.volumeVersion ?? MIN);
  return compareVersions(v, parseVersion(FEATURES[feature])!) >= 0;
}

/** Reads the version on every request of the v3 scope and echoes it in the answer. */
export function installVolumeMicroversions(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    req.volumeRequestId = `req-${randomUUID()}`;
    void reply.header('x-openstack-request-id', req.volumeRequestId);
    void reply.header('vary', 'OpenStack-API-Version');
    const v = requestedMicroversion(req.headers, { service: 'volume', min: MIN_VERSION, max: MAX_VERSION });
    req.volumeVersion = v;
    void reply.header('openstack-api-version', `volume ${formatVersion(v)}`);
  });
}
