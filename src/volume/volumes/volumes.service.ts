// Volumes: the checks and the one transaction behind each route; slow work goes to the manager.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { compareVersions, type ApiVersion } from '../../platform/http/microversion.js';
import { badRequest, enforce, handOn, isAdmin, notFound, now, parseBool, parseMetadata, target, unwrap, type VolumeDeps } from '../common.js';
import type { VolumeContext } from '../context.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { extraSpecsOf, resolveVolumeType } from '../volume-types/default-type.js';
import { invalidBackup, invalidSnapshot, invalidVolume, moveVolume, VOLUME_FROM, type VolumeStatus } from '../volume-states.js';
import type { BackupRow, SnapshotRow, VolumeRow, VolumeTables, VolumeTypeRow } from '../volume.tables.js';
import { loadVisibleVolume } from './volume-access.js';
import { checkImageFits, imageFacts, parseCreateRequest, sizeFromSource } from './volume-create.js';
import type { VolumeImageView } from '../image-access.js';

type Trx = Transaction<VolumeTables>;

/** Cinder's InvalidVolume text for a refused delete (volume/api.py). */
const DELETE_REFUSED = 'Volume status must be available or error or error_restoring or error_extending or error_managing and must not '
  + 'be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';
const FORCE_DELETE_REFUSED = 'Volume must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, '
  + 'or be disassociated from snapshots after volume transfer.';
/** `?force=true` on delete arrived in 3.23. */
const VOLUME_DELETE_FORCE: ApiVersion = { major: 3, minor: 23 };

/** Name and description from an update body (`display_*` legacy names accepted). */
function textUpdate(b: Record<string, unknown>): Partial<Pick<VolumeRow, 'name' | 'description'>> {
  const out: Partial<Pick<VolumeRow, 'name' | 'description'>> = {};
  const text = (v: unknown, field: string) => {
    if (v === null) return null;
    if (typeof v !== 'string') throw badRequest(`Invalid input received: ${field} must be a string.`);
    if (v.length > 255) throw badRequest(`Invalid input received: ${field} has more than 255 characters.`);
    return v;
  };
  if ('name' in b || 'display_name' in b) out.name = text('name' in b ? b.name : b.display_name, 'name');
  if ('description' in b || 'display_description' in b) {
    out.description = text('description' in b ? b.description : b.display_description, 'description');
  }
  return out;
}

/** Replaces (or with `merge` adds to) a volume's user metadata inside a transaction. */
export async function writeMetadata(trx: Trx, volumeId: string, metadata: Record<string, string>, merge: boolean): Promise<void> {
  if (merge) {
    const keys = Object.keys(metadata);
    if (keys.length) await trx.deleteFrom('volume_metadata').where('volume_id', '=', volumeId).where('key', 'in', keys).execute();
  } else {
    await trx.deleteFrom('volume_metadata').where('volume_id', '=', volumeId).execute();
  }
  const rows = Object.entries(metadata).map(([key, value]) => ({ volume_id: volumeId, key, value }));
  if (rows.length) await trx.insertInto('volume_metadata').values(rows).execute();
}

/** Cinder refuses metadata changes while a volume is in maintenance or being uploaded. */
export function checkMetadataWritable(volume: VolumeRow, verb: 'Updating' | 'Deleting'): void {
  if (volume.status === 'maintenance' || volume.status === 'uploading') {
    throw invalidVolume(`${verb} volume metadata is not allowed for volumes in ${volume.status} status.`);
  }
}

/** Zones a volume may be created in: the backends' zones and the default. */
async function knownZones(deps: VolumeDeps): Promise<Set<string>> {
  const rows = await deps.db.selectFrom('volume_backend').select('availability_zone').distinct().execute();
  return new Set([deps.config.volume.defaultAvailabilityZone, ...rows.map((r) => r.availability_zone)]);
}

export class VolumeService {
  constructor(private readonly ctx: VolumeContext) {}
  private get deps() { return this.ctx.deps; }

  async create(auth: AuthContext, body: unknown, version: ApiVersion, authToken: string): Promise<VolumeRow> {
    const deps = this.deps;
    enforce(deps, auth, 'volume:create');
    const r = parseCreateRequest(unwrap(body, 'volume'), version);
    const projectId = auth.projectId ?? '';

    // Sources, as the caller may see them.
    let snapshot: SnapshotRow | undefined;
    let snapshotVolume: VolumeRow | undefined;
    if (r.snapshotId) {
      snapshot = await deps.db.selectFrom('volume_snapshot').selectAll().where('id', '=', r.snapshotId).executeTakeFirst();
      if (!snapshot || (snapshot.project_id !== projectId && !isAdmin(deps, auth))) throw notFound.snapshot(r.snapshotId);
      snapshotVolume = await deps.db.selectFrom('volume').selectAll().where('id', '=', snapshot.volume_id).executeTakeFirst();
    }
    const source = r.sourceVolid ? await loadVisibleVolume(deps, auth, r.sourceVolid) : undefined;
    let backup: BackupRow | undefined;
    if (r.backupId) {
      backup = await deps.db.selectFrom('volume_backup').selectAll().where('id', '=', r.backupId).executeTakeFirst();
      if (!backup || (backup.project_id !== projectId && !isAdmin(deps, auth))) throw notFound.backup(r.backupId);
    }
    let image: VolumeImageView | null = null;
    if (r.imageId) {
      enforce(deps, auth, 'volume:create_from_image');
      image = await deps.images.get(auth, r.imageId);
      if (!image) throw badRequest('Invalid image identifier or unable to access requested image.');
    }

    const size = sizeFromSource(r.size, snapshot ? { kind: 'snapshot', size: snapshot.size }
      : source ? { kind: 'volume', size: source.size } : backup ? { kind: 'backup', size: backup.size } : null);
    if (image) checkImageFits(image, size);

    // A clone or a volume from a snapshot keeps its source's type unless the request names one.
    const inherited = source?.volume_type_id ?? snapshotVolume?.volume_type_id;
    let type: VolumeTypeRow;
    if (r.volumeType === null && inherited) {
      type = await deps.db.selectFrom('volume_type').selectAll().where('id', '=', inherited).executeTakeFirst()
        ?? await resolveVolumeType(deps.db, deps, auth, null);
    } else {
      type = await resolveVolumeType(deps.db, deps, auth, r.volumeType);
    }
    const specs = await extraSpecsOf(deps.db, type.id);
    const multiattach = /^<is>\s*true$/i.test(specs.multiattach ?? '') || r.multiattach;
    if (multiattach) enforce(deps, auth, 'volume:multiattach');

    // The zone: asked, else the source's, else the default; a copy stays in its source's zone.
    const sourceZone = snapshotVolume?.availability_zone ?? source?.availability_zone ?? null;
    const zone = r.availabilityZone ?? sourceZone ?? deps.config.volume.defaultAvailabilityZone;
    if (!(await knownZones(deps)).has(zone)) throw badRequest(`Availability zone '${zone}' is invalid.`);
    if (sourceZone !== null && zone !== sourceZone) {
      throw badRequest(`Invalid input received: Volume must be in the same availability zone as the ${snapshot ? 'snapshot' : 'source volume'}`);
    }

    const ts = now();
    const row: VolumeRow = {
      id: randomUUID(), project_id: projectId, user_id: auth.userId, name: r.name, description: r.description,
      size, status: 'creating', attach_status: 'detached', status_reason: null, availability_zone: zone, volume_type_id: type.id,
      bootable: 0, multiattach: multiattach ? 1 : 0,
      source_volid: source?.id ?? null, snapshot_id: snapshot?.id ?? null, backup_id: backup?.id ?? null, image_id: image?.id ?? null,
      host: null, provider_location: null, migration_status: null, created_at: ts, updated_at: ts, launched_at: null,
    };
    await deps.db.transaction().execute(async (trx) => {
      // The project's quota lock first, as every write does, so two writes never wait on each other.
      await checkVolumeQuota(trx, deps.config.volume, projectId, { volumes: 1, gigabytes: size }, { volumeTypeName: type.name, sizeGb: size });
      // The sources must still be usable when the row is written (a conditional touch, so a racing delete cannot slip between).
      if (snapshot) await this.claim(trx, 'volume_snapshot', snapshot.id, ['available'], () => invalidSnapshot("Originating snapshot status must be one of 'available' values"));
      if (source) await this.claim(trx, 'volume', source.id, VOLUME_FROM.clone, () => invalidVolume("Originating source volume status must be one of 'available, in-use' values"));
      if (backup) {
        // The manager restores the backup into the new volume and sets the backup back to available.
        const res = await trx.updateTable('volume_backup').set({ status: 'restoring', restore_volume_id: row.id, updated_at: ts })
          .where('id', '=', backup.id).where('status', '=', 'available').executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw invalidBackup("Originating backup status must be one of 'available' values");
      }
      await trx.insertInto('volume').values(row).execute();
      await writeMetadata(trx, row.id, r.metadata, false);
      const facts = image ? Object.entries(imageFacts(image)).map(([key, value]) => ({ volume_id: row.id, key, value })) : [];
      if (facts.length) await trx.insertInto('volume_image_metadata').values(facts).execute();
    });
    handOn(this.deps, `createVolume ${row.id}`, () => this.ctx.manager.createVolume(row.id, authToken));
    return row;
  }

  /** Touches a source row if its status is one of `allowed`, else throws `refuse()`. */
  private async claim(trx: Trx, table: 'volume' | 'volume_snapshot', id: string, allowed: readonly string[], refuse: () => Error): Promise<void> {
    const t = table as 'volume';
    const res = await trx.updateTable(t).set({ updated_at: now() }).where('id', '=', id)
      .where('status', 'in', allowed as VolumeStatus[]).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw refuse();
  }

  async show(auth: AuthContext, id: string): Promise<VolumeRow> {
    const row = await loadVisibleVolume(this.deps, auth, id);
    enforce(this.deps, auth, 'volume:get', target(auth, row.project_id));
    return row;
  }

  async update(auth: AuthContext, id: string, body: unknown): Promise<VolumeRow> {
    const b = unwrap(body, 'volume');
    const fields = textUpdate(b);
    const metadata = b.metadata === undefined ? undefined : parseMetadata(b.metadata ?? {});
    const row = await loadVisibleVolume(this.deps, auth, id);
    enforce(this.deps, auth, 'volume:update', target(auth, row.project_id));
    if (row.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
    const updated_at = now();
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('volume').set({ ...fields, updated_at }).where('id', '=', id).execute();
      if (metadata !== undefined) await writeMetadata(trx, id, metadata, false);
    });
    return { ...row, ...fields, updated_at };
  }

  /**
   * DELETE /volumes/{id}: the volume goes `deleting` (and with `cascade` its snapshots) in one
   * transaction, refused as Cinder does when attached, with snapshots, or in a busy status.
   */
  async remove(auth: AuthContext, id: string, query: Record<string, unknown>, version: ApiVersion): Promise<void> {
    const deps = this.deps;
    const flag = (k: string) => query[k] !== undefined && parseBool(query[k] === '' ? 'true' : query[k], k);
    const cascade = flag('cascade');
    const force = compareVersions(version, VOLUME_DELETE_FORCE) >= 0 && flag('force');
    const row = await loadVisibleVolume(deps, auth, id);
    enforce(deps, auth, 'volume:delete', target(auth, row.project_id));
    if (force) enforce(deps, auth, 'volume_extension:volume_admin_actions:force_delete', target(auth, row.project_id));
    const refused = () => invalidVolume(force ? FORCE_DELETE_REFUSED : DELETE_REFUSED);
    await deps.db.transaction().execute(async (trx) => {
      // Claiming the status first serialises against attach, snapshot and transfer, which claim it too.
      try {
        await moveVolume(trx, id, force ? VOLUME_FROM.forceDelete : VOLUME_FROM.delete, 'deleting', {}, 'be deleted');
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) throw err;
        throw refused();
      }
      const attached = await trx.selectFrom('volume_attachment').select('id').where('volume_id', '=', id)
        .where('attach_status', 'in', ['attached', 'attaching', 'detaching']).executeTakeFirst();
      if (attached || row.migration_status) throw refused();
      // A volume being made from this one still reads it.
      const reader = await trx.selectFrom('volume').select('id').where('source_volid', '=', id).where('status', '=', 'creating').executeTakeFirst();
      if (reader) throw invalidVolume(`Volume ${id} is in use: volume ${reader.id} is being created from it.`);
      const snaps = await trx.selectFrom('volume_snapshot').select(['id', 'status', 'project_id']).where('volume_id', '=', id).execute();
      if (snaps.length && !cascade) throw refused();
      if (snaps.length) {
        const deletable = ['available', 'error', 'deleting'];
        if (!force && snaps.some((s) => !deletable.includes(s.status) || (s.project_id !== row.project_id && !isAdmin(deps, auth)))) throw refused();
        await trx.updateTable('volume_snapshot').set({ status: 'deleting', updated_at: now() }).where('volume_id', '=', id).execute();
      }
      // A forced delete may take a volume awaiting a transfer: the offer goes with it.
      if (force) await trx.deleteFrom('volume_transfer').where('volume_id', '=', id).execute();
    });
    handOn(this.deps, `deleteVolume ${id}`, () => this.ctx.manager.deleteVolume(id, cascade));
  }
}
