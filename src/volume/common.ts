// What every block storage slice is handed, and the small helpers they share.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../platform/auth-context.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Config } from '../platform/config.js';
import { ApiError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Policy } from '../platform/policy/policy.js';
import type { VolumeImageAccess } from './image-access.js';
import type { VolumeDb } from './volume.tables.js';

export interface VolumeDeps {
  readonly db: VolumeDb;
  readonly policy: Policy;
  readonly config: Config;
  readonly bus: Bus;
  readonly log: Logger;
  /** The image service as block storage sees it (volume from image, upload to image). */
  readonly images: VolumeImageAccess;
}

export const now = (): string => new Date().toISOString();
/** Cinder's timestamps: `2018-11-28T06:21:12.715987` (microseconds, no zone). */
export const isoMicro = (iso: string | null): string | null =>
  iso === null ? null : iso.replace(/(\.\d{3})Z$/, '$1000').replace(/Z$/, '.000000');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** Cinder's error bodies are Nova's (`{"itemNotFound": {"code", "message"}}`); these are its messages. */
export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = {
  volume: (id: string) => new ApiError(404, `Volume ${id} could not be found.`),
  snapshot: (id: string) => new ApiError(404, `Snapshot ${id} could not be found.`),
  backup: (id: string) => new ApiError(404, `Backup ${id} could not be found.`),
  volumeType: (id: string) => new ApiError(404, `Volume type ${id} could not be found.`),
  attachment: (id: string) => new ApiError(404, `Volume attachment could not be found with filter: attachment_id = ${id}.`),
  transfer: (id: string) => new ApiError(404, `Transfer ${id} could not be found.`),
  message: (id: string) => new ApiError(404, `Message ${id} could not be found.`),
  qos: (id: string) => new ApiError(404, `QoS Specs ${id} could not be found.`),
};
/** Cinder's VolumeSizeExceedsAvailableQuota and friends: 413 overLimit. */
export const overQuota = (message: string) => new ApiError(413, message);

export const isAdmin = (deps: VolumeDeps, auth: AuthContext): boolean => deps.policy.allows(auth, 'context_is_admin');

/** The target Cinder's rules read: the resource's project, defaulting to the caller's. */
export const target = (auth: AuthContext, projectId?: string | null) =>
  ({ project_id: projectId ?? auth.projectId, user_id: auth.userId });

/** Policy check whose refusal reads like Cinder's. */
export function enforce(deps: VolumeDeps, auth: AuthContext, rule: string, tgt: Record<string, unknown> = target(auth)): void {
  if (!deps.policy.allows(auth, rule, tgt)) throw new ApiError(403, `Policy doesn't allow ${rule} to be performed.`);
}

/** The project in the URL must be the token's (admins may name any project, as Cinder allows). */
export function checkUrlProject(deps: VolumeDeps, auth: AuthContext, projectId: string): void {
  if (projectId === auth.projectId || isAdmin(deps, auth)) return;
  throw new ApiError(403, 'Malformed request url: the project id in the URL is not the project of the token.');
}

/** Parses a JSON text column. */
export function json<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** The user's token, for calls the service makes on the user's behalf (image downloads and uploads). */
export const authToken = (req: FastifyRequest): string => String(req.headers['x-auth-token'] ?? '');

/** `{"volume": {...}}`: the wrapped object of a request body, or 400 naming what is missing. */
export function unwrap(body: unknown, key: string): Record<string, unknown> {
  const inner = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) throw badRequest(`Missing required element '${key}' in request body.`);
  return inner as Record<string, unknown>;
}

/** Cinder's boolean strings ('true', 'True', '1', 'yes', 'on' …) and JSON booleans. */
export function parseBool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes', 'y', 'on', 't'].includes(s)) return true;
    if (['false', '0', 'no', 'n', 'off', 'f'].includes(s)) return false;
  }
  throw badRequest(`Invalid value '${String(v)}' for ${field}: it must be a boolean.`);
}

/** A size in GB: a positive whole number (strings of digits accepted, as Cinder does). */
export function parseSize(v: unknown, field = 'size'): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31 - 1) {
    throw badRequest(`Invalid input received: ${field} must be an integer (or a string of one) greater than 0, got '${String(v)}'.`);
  }
  return n;
}

/** Metadata maps: string keys of 1–255 characters, string values of at most 255. */
export function parseMetadata(v: unknown, field = 'metadata'): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`Invalid input received: ${field} must be an object.`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k.length < 1 || k.length > 255) throw badRequest(`Invalid input received: ${field} keys must be 1 to 255 characters.`);
    if (typeof val !== 'string') throw badRequest(`Invalid input received: ${field} value for '${k}' must be a string.`);
    if (val.length > 255) throw badRequest(`Invalid input received: ${field} value for '${k}' is longer than 255 characters.`);
    out[k] = val;
  }
  return out;
}

/** A name or description: null, or a string of at most 255 characters. */
export function parseText(v: unknown, field: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw badRequest(`Invalid input received: ${field} must be a string.`);
  if (v.length > 255) throw badRequest(`Invalid input received: ${field} has more than 255 characters.`);
  return v;
}

/** Cinder's `links` of a resource. */
export function links(publicUrl: string, projectId: string, collection: string, id: string) {
  return [
    { href: `${publicUrl}/volume/v3/${projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${publicUrl}/volume/${projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

/**
 * Hands slow work to the volume manager once the intent is committed. Its calls return at once;
 * should one throw anyway, the request has already succeeded (its row is written), so the failure
 * is logged rather than turned into a 500 for a change that did happen.
 */
export function handOn(deps: VolumeDeps, what: string, work: () => void): void {
  try {
    work();
  } catch (err) {
    deps.log.error({ err }, `volume manager refused ${what}`);
  }
}
