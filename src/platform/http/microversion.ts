// Microversion negotiation shared by the microversioned APIs (compute, block storage): reading
// `OpenStack-API-Version: <service> X.Y` (or a legacy header), checking it against the range.
import { ApiError } from '../errors.js';

export interface ApiVersion { major: number; minor: number }

export const parseVersion = (s: string): ApiVersion | null => {
  const m = /^(\d+)\.(\d+)$/.exec(s.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
};
export const compareVersions = (a: ApiVersion, b: ApiVersion): number => a.major - b.major || a.minor - b.minor;
export const formatVersion = (v: ApiVersion): string => `${v.major}.${v.minor}`;

export interface MicroversionRange {
  /** The service name in `OpenStack-API-Version` (`compute`, `volume`). */
  service: string;
  /** Lower-case legacy header (`x-openstack-nova-api-version`), if any. */
  legacyHeader?: string;
  min: string;
  max: string;
}

/** The version a request asked for, the minimum when it names none; 400 if malformed, 406 if out of range. */
export function requestedMicroversion(headers: Record<string, string | string[] | undefined>, range: MicroversionRange): ApiVersion {
  const min = parseVersion(range.min)!;
  const max = parseVersion(range.max)!;
  let asked: string | undefined;
  for (const part of [headers['openstack-api-version']].flat().join(',').split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === range.service && version) asked = version;
  }
  if (asked === undefined && range.legacyHeader) asked = [headers[range.legacyHeader]].flat()[0];
  if (asked === undefined || asked === '') return min;
  if (asked.trim().toLowerCase() === 'latest') return max;
  const v = parseVersion(asked);
  if (!v) throw new ApiError(400, `API version string ${asked} is not valid: it must look like ${range.min} or 'latest'.`);
  if (compareVersions(v, min) < 0 || compareVersions(v, max) > 0) {
    throw new ApiError(406, `Version ${asked.trim()} is not supported by the API. Minimum is ${range.min} and maximum is ${range.max}.`);
  }
  return v;
}
