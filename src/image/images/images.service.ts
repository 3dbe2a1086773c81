import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { enforce, imageNotFound, imageTarget, isAdmin, isUuid, loadVisible, now, type ImageDeps } from '../common.js';
import type { ImageRow } from '../image.tables.js';
import { imageBody, parseProperties } from './image-body.js';
import { setAttribute, validTag, type ImageDraft } from './image-attributes.js';
import { applyPatch } from './image-patch.js';
import { checkImageCount } from '../quota/image-quota.js';

export class ImageService {
  constructor(private readonly deps: ImageDeps) {}

  async tagsOf(id: string): Promise<string[]> {
    return (await this.deps.db.selectFrom('image_tag').select('value').where('image_id', '=', id).execute()).map((r) => r.value);
  }

  async body(row: ImageRow): Promise<Record<string, unknown>> {
    return imageBody(row, await this.tagsOf(row.id));
  }

  async create(auth: AuthContext, input: unknown): Promise<Record<string, unknown>> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badRequest('Request body must be a JSON object.');
    const admin = isAdmin(this.deps, auth);
    const fields = { ...(input as Record<string, unknown>) };
    let id: string = randomUUID();
    if ('id' in fields) {
      if (typeof fields.id !== 'string' || !isUuid(fields.id)) throw badRequest(`Provided object does not match schema 'image': id must be a UUID`);
      id = fields.id.toLowerCase();
      delete fields.id;
    }
    // Since Glance Ocata an image without a visibility is `shared` (members may be added).
    const draft: ImageDraft = {
      name: null, visibility: 'shared', protected: false, os_hidden: false, owner: auth.projectId ?? null,
      disk_format: null, container_format: null, min_disk: 0, min_ram: 0, tags: [], properties: {},
    };
    for (const [k, v] of Object.entries(fields)) setAttribute(draft, k, v, admin);
    enforce(this.deps, auth, 'add_image', { owner: draft.owner ?? undefined });
    this.checkVisibilityChange(auth, draft, 'private');
    const ts = now();
    const row: ImageRow = {
      id, name: draft.name, status: 'queued', visibility: draft.visibility as ImageRow['visibility'],
      protected: draft.protected ? 1 : 0, os_hidden: draft.os_hidden ? 1 : 0, owner: draft.owner,
      disk_format: draft.disk_format, container_format: draft.container_format, size: null, virtual_size: null,
      checksum: null, os_hash_algo: null, os_hash_value: null, min_disk: draft.min_disk, min_ram: draft.min_ram,
      created_at: ts, updated_at: ts, properties: JSON.stringify(draft.properties), location: null,
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await checkImageCount(this.deps, trx, draft.owner);
        await trx.insertInto('image').values(row).execute();
        if (draft.tags.length) await trx.insertInto('image_tag').values(draft.tags.map((value) => ({ image_id: id, value }))).execute();
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`Image with identifier ${id} already exists!`);
      throw err;
    }
    return imageBody(row, draft.tags);
  }

  /** Making an image public is an admin's act; community needs the owner's right to do it. */
  private checkVisibilityChange(auth: AuthContext, draft: ImageDraft, before: string): void {
    if (draft.visibility === before) return;
    if (draft.visibility === 'public') enforce(this.deps, auth, 'publicize_image', { owner: draft.owner ?? undefined });
    if (draft.visibility === 'community') enforce(this.deps, auth, 'communitize_image', { owner: draft.owner ?? undefined });
  }

  async show(auth: AuthContext, id: string): Promise<Record<string, unknown>> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'get_image', imageTarget(row));
    return this.body(row);
  }

  async update(auth: AuthContext, id: string, patch: unknown): Promise<Record<string, unknown>> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'modify_image', imageTarget(row));
    const tags = await this.tagsOf(id);
    const draft: ImageDraft = {
      name: row.name, visibility: row.visibility, protected: row.protected === 1, os_hidden: row.os_hidden === 1,
      owner: row.owner, disk_format: row.disk_format, container_format: row.container_format,
      min_disk: row.min_disk, min_ram: row.min_ram, tags: [...tags], properties: parseProperties(row),
    };
    applyPatch(draft, patch, isAdmin(this.deps, auth));
    this.checkVisibilityChange(auth, draft, row.visibility);
    if (row.status !== 'queued' && (draft.disk_format !== row.disk_format || draft.container_format !== row.container_format)) {
      throw forbidden('Attributes disk_format and container_format can be changed only while the image is queued.');
    }
    const ts = now();
    const changes = {
      name: draft.name, visibility: draft.visibility as ImageRow['visibility'], protected: draft.protected ? 1 : 0,
      os_hidden: draft.os_hidden ? 1 : 0, owner: draft.owner, disk_format: draft.disk_format,
      container_format: draft.container_format, min_disk: draft.min_disk, min_ram: draft.min_ram,
      properties: JSON.stringify(draft.properties), updated_at: ts,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('image').set(changes).where('id', '=', id).execute();
      await trx.deleteFrom('image_tag').where('image_id', '=', id).execute();
      if (draft.tags.length) await trx.insertInto('image_tag').values(draft.tags.map((value) => ({ image_id: id, value }))).execute();
      // Members only make sense on shared images; Glance drops them when visibility moves away.
      if (draft.visibility !== 'shared' && row.visibility === 'shared') {
        await trx.deleteFrom('image_member').where('image_id', '=', id).execute();
      }
    });
    return imageBody({ ...row, ...changes }, draft.tags);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'delete_image', imageTarget(row));
    if (row.protected === 1) throw forbidden(`Image ${id} is protected and cannot be deleted.`);
    const gone = await this.deps.db.deleteFrom('image').where('id', '=', id).where('protected', '=', 0).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw imageNotFound(id);
    if (row.location) await this.deps.store.delete(row.location);
    // Staged but never imported (glance-direct): the staging area holds the only copy.
    if (row.status === 'uploading') await this.deps.staging.delete(this.deps.staging.locationOf(id));
  }

  async addTag(auth: AuthContext, id: string, tag: string): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'modify_image', imageTarget(row));
    validTag(tag);
    const have = await this.deps.db.selectFrom('image_tag').select('value').where('image_id', '=', id).where('value', '=', tag).executeTakeFirst();
    if (have) return;
    try {
      await this.deps.db.insertInto('image_tag').values({ image_id: id, value: tag }).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // a concurrent PUT of the same tag: already there
    }
    await this.deps.db.updateTable('image').set({ updated_at: now() }).where('id', '=', id).execute();
  }

  async removeTag(auth: AuthContext, id: string, tag: string): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'modify_image', imageTarget(row));
    const res = await this.deps.db.deleteFrom('image_tag').where('image_id', '=', id).where('value', '=', tag).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`Tag ${tag} not found on image ${id}`);
  }

  /** deactivate: active → deactivated; reactivate: deactivated → active; repeating is a no-op. */
  async setActive(auth: AuthContext, id: string, active: boolean): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    const action = active ? 'reactivate' : 'deactivate';
    enforce(this.deps, auth, action, imageTarget(row));
    const [from, to] = active ? ['deactivated', 'active'] as const : ['active', 'deactivated'] as const;
    if (row.status === to) return;
    const res = await this.deps.db.updateTable('image').set({ status: to, updated_at: now() })
      .where('id', '=', id).where('status', '=', from).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw badRequest(`Not allowed to ${action} image in status '${row.status}'`);
  }
}
