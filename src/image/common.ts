import type { AuthContext } from '../platform/auth-context.js';
import type { Config } from '../platform/config.js';
import { badRequest, forbidden, notFound } from '../platform/errors.js';
import type { Policy } from '../platform/policy/policy.js';
import type { ImageDb, ImageRow } from './image.tables.js';
import type { FileStore } from './store/file-store.js';
import type { ImageStore } from './store/image-store.js';

export interface ImageDeps {
  readonly db: ImageDb;
  readonly policy: Policy;
  readonly config: Config;
  readonly store: ImageStore;
  /** Data staged for interoperable import (`PUT /stage`, web-download) before it is stored. */
  readonly staging: FileStore;
}

export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] as const;
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;
export const VISIBILITIES = ['public', 'private', 'shared', 'community'] as const;

/** Glance writes timestamps to the second: 2016-06-29T16:13:07Z. */
export const glanceTime = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');
export const now = (): string => new Date().toISOString();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

export const isAdmin = (deps: ImageDeps, auth: AuthContext): boolean => deps.policy.allows(auth, 'context_is_admin');

export const imageNotFound = (id: string) => notFound(`No image found with ID ${id}`);

/** The policy target Glance's rules name: the image's attributes, `owner` first of all. */
export const imageTarget = (row: Pick<ImageRow, 'owner' | 'visibility' | 'id'>) =>
  ({ owner: row.owner ?? undefined, visibility: row.visibility, id: row.id });

/**
 * Whether the caller may see the image at all (else it is a 404, as in Glance): admins see all,
 * everyone sees public and community images, projects their own and those shared with them.
 */
export function canSee(admin: boolean, auth: AuthContext, row: ImageRow, memberStatus: string | undefined): boolean {
  if (admin) return true;
  if (row.visibility === 'public' || row.visibility === 'community') return true;
  if (auth.projectId && row.owner === auth.projectId) return true;
  return row.visibility === 'shared' && memberStatus !== undefined;
}

/** Loads an image the caller may see, or throws Glance's 404. */
export async function loadVisible(deps: ImageDeps, auth: AuthContext, id: string): Promise<ImageRow> {
  const row = isUuid(id) ? await deps.db.selectFrom('image').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw imageNotFound(id);
  let memberStatus: string | undefined;
  if (row.visibility === 'shared' && auth.projectId) {
    memberStatus = (await deps.db.selectFrom('image_member').select('status')
      .where('image_id', '=', id).where('member_id', '=', auth.projectId).executeTakeFirst())?.status;
  }
  if (!canSee(isAdmin(deps, auth), auth, row, memberStatus)) throw imageNotFound(id);
  return row;
}

/** Policy check whose refusal reads like Glance's. */
export function enforce(deps: ImageDeps, auth: AuthContext, rule: string, target: Record<string, unknown>, message?: string): void {
  if (!deps.policy.allows(auth, rule, target)) throw forbidden(message ?? `You are not authorized to complete ${rule} action.`);
}

export function parseIntParam(name: string, value: unknown, min = 0): number {
  const s = String(value);
  if (!/^\d+$/.test(s) || Number(s) < min || !Number.isSafeInteger(Number(s))) {
    throw badRequest(`Invalid value '${s}' for parameter '${name}': it must be an integer >= ${min}.`);
  }
  return Number(s);
}
