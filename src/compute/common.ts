// What every compute slice is handed, and the small helpers they share.
import type { AuthContext } from '../platform/auth-context.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Config } from '../platform/config.js';
import { forbidden, notFound } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Policy } from '../platform/policy/policy.js';
import type { ComputeDb } from './compute.tables.js';
import type { ImageAccess } from './image-access.js';
import type { NetworkAccess } from './network-access.js';
import type { VolumeAccess } from './volume-access.js';

export interface ComputeDeps {
  readonly db: ComputeDb;
  readonly policy: Policy;
  readonly config: Config;
  readonly bus: Bus;
  readonly log: Logger;
  /** The image service as compute sees it (lookups with the caller's visibility, snapshots). */
  readonly images: ImageAccess;
  /** The network service as compute sees it (ports of servers, addresses, metadata lookups). */
  readonly network: NetworkAccess;
  /** The block storage service as compute sees it (attachments, volumes for boot from volume). */
  readonly volumes: VolumeAccess;
}

export const now = (): string => new Date().toISOString();

/** Nova's server timestamps: `2013-09-23T13:37:00Z`. */
export const isoSeconds = (iso: string | null): string | null => iso === null ? null : iso.replace(/\.\d+Z$/, 'Z');
/** Nova's other timestamps (keypairs, actions, services): `2014-05-07T12:06:13.681000`, no zone. */
export const isoMicro = (iso: string | null): string | null => iso === null ? null : iso.replace(/(\.\d{3})Z$/, '$1000').replace(/Z$/, '.000000');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

export const isAdmin = (deps: ComputeDeps, auth: AuthContext): boolean => deps.policy.allows(auth, 'admin_api');

/** The target Nova's rules read: the resource's project (and user), defaulting to the caller's. */
export const target = (auth: AuthContext, projectId?: string | null, userId?: string | null) =>
  ({ project_id: projectId ?? auth.projectId, user_id: userId ?? auth.userId });

/** Policy check whose refusal reads like Nova's. */
export function enforce(deps: ComputeDeps, auth: AuthContext, rule: string, tgt: Record<string, unknown> = target(auth)): void {
  const name = rule.startsWith('os_compute_api:') ? rule : `os_compute_api:${rule}`;
  if (!deps.policy.allows(auth, name, tgt)) throw forbidden(`Policy doesn't allow ${name} to be performed.`);
}

export const serverNotFound = (id: string) => notFound(`Instance ${id} could not be found.`);

/** Parses a JSON text column, tolerating null. */
export function json<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}
