// Actions that change what a server runs from: rebuild (a new image on the same flavor), resize
// with confirm/revert (same host, both flavors claimed until decided), rescue/unrescue.
import { randomBytes } from 'node:crypto';
import { badRequest } from '../../platform/errors.js';
import { json } from '../common.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { checkServerQuota } from '../quotas/quota-limits.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { has, type ApiVersion } from '../microversions.js';
import { bootRecord, checkImageFitsFlavor, loadBootImages } from './boot-images.js';
import { loadFlavorForBoot } from '../flavors/flavors.service.js';
import { loadKeypair } from '../keypairs/keypairs.service.js';
import { checkUserData, refId, validMetadata } from './server-create.input.js';
import { claimAndRun, checkState, flavorOf, specFor, agentOf, type ActionRequest } from './server-actions.js';
import { systemMetadata } from '../conductor/guest-spec.js';
import { POWER } from '../vm-states.js';
import type { ImageRef } from '../../agent/compute/driver.js';

const obj = (v: unknown, name: string): Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`Invalid input for field/attribute ${name}. Value: ${JSON.stringify(v)} is not of type 'object'`);
  return v as Record<string, unknown>;
};

export async function rebuild(r: ActionRequest, row: InstanceRow, body: unknown, version: ApiVersion): Promise<void> {
  const b = obj(body, 'rebuild');
  if (typeof b.imageRef !== 'string' || !b.imageRef) throw badRequest("Invalid input for field/attribute rebuild. Value: 'imageRef' is a required property");
  const allowed = new Set(['imageRef', 'name', 'metadata', 'adminPass', 'preserve_ephemeral', 'accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig', 'personality']);
  if (has(version, 'serverDescription')) allowed.add('description');
  if (has(version, 'rebuildKeyName')) allowed.add('key_name');
  if (has(version, 'rebuildUserData')) allowed.add('user_data');
  for (const k of Object.keys(b)) if (!allowed.has(k)) throw badRequest(`Invalid input for field/attribute rebuild. Value: Additional properties are not allowed ('${k}' was unexpected)`);
  if (b.name !== undefined && (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 255)) throw badRequest('Invalid input for field/attribute name.');
  checkState(row, 'rebuild');
  const metadata = b.metadata === undefined ? undefined : validMetadata(b.metadata);
  const images = await loadBootImages(r.ctx.deps, r.auth, refId(b.imageRef));
  checkImageFitsFlavor(images.image, flavorOf(row));
  const set: Partial<InstanceRow> = {
    image_ref: images.image.id, kernel_id: images.kernel?.id ?? null, ramdisk_id: images.ramdisk?.id ?? null,
    system_metadata: JSON.stringify({ ...systemMetadata(row), image_properties: images.image.properties, boot: bootRecord(images) }),
  };
  if (typeof b.name === 'string') set.name = b.name;
  if (b.description !== undefined) set.description = b.description === null ? null : String(b.description);
  if (b.user_data !== undefined) {
    if (b.user_data !== null && (typeof b.user_data !== 'string' || b.user_data.length > 65535)) throw badRequest('Invalid input for field/attribute user_data.');
    if (b.user_data !== null) checkUserData(b.user_data);
    set.user_data = b.user_data;
  }
  if (b.key_name !== undefined) {
    if (b.key_name === null) { set.key_name = null; set.key_data = null; } else {
      const kp = await loadKeypair(r.ctx.deps, r.auth.userId, String(b.key_name));
      set.key_name = kp.name; set.key_data = kp.public_key;
    }
  }
  // Nova brings a rebuilt server back up unless it was stopped (an ERROR server ends ACTIVE).
  const wasOn = row.vm_state !== 'stopped';
  await claimAndRun(r, row, 'rebuild', async (fresh) => {
    await r.ctx.deps.db.updateTable('compute_instance').set(set).where('uuid', '=', row.uuid).execute();
    if (metadata) {
      await r.ctx.deps.db.deleteFrom('compute_instance_metadata').where('instance_uuid', '=', row.uuid).execute();
      const entries = Object.entries(metadata);
      if (entries.length) await r.ctx.deps.db.insertInto('compute_instance_metadata').values(entries.map(([key, value]) => ({ instance_uuid: row.uuid, key, value }))).execute();
    }
    const updated = { ...fresh, ...set } as InstanceRow;
    await agentOf(r, fresh).rebuild(await specFor(r, updated), wasOn);
    return { vm: wasOn ? 'active' : 'stopped', power: wasOn ? POWER.RUNNING : POWER.SHUTDOWN };
  }, { failToError: true });
}

export async function resize(r: ActionRequest, row: InstanceRow, body: unknown): Promise<void> {
  const b = obj(body, 'resize');
  if (typeof b.flavorRef !== 'string' && typeof b.flavorRef !== 'number') throw badRequest("Invalid input for field/attribute resize. Value: 'flavorRef' is a required property");
  checkState(row, 'resize');
  const flavor = await loadFlavorForBoot(r.ctx.deps, r.auth, String(b.flavorRef));
  const old = flavorOf(row);
  if (flavor.id === old.id) throw badRequest('When resizing, instances must change flavor!');
  if (flavor.disk < old.disk) throw badRequest('Resize error: Unable to resize disk down.');
  if (flavor.disk === 0 && old.disk > 0) throw badRequest('Resize to zero disk flavor is not allowed.');
  const deps = r.ctx.deps;
  await deps.db.transaction().execute(async (trx) => {
    await serializeOn(trx, `quota:${row.project_id}`);
    await checkServerQuota(trx, deps.config.compute, row.project_id, { instances: 0, cores: flavor.vcpus - old.vcpus, ram: flavor.ram - old.ram });
  });
  const wasOn = row.vm_state === 'active';
  // Same-host resize: the new flavor must fit beside the old one on this node. Held only by the
  // request that wins the claim, so a racing loser cannot replace or release the winner's hold.
  const holdNewFlavor = async () => {
    if (!row.node || !(await r.ctx.scheduler.claimOnNode(row.uuid, 'migration', row.node, flavor))) {
      throw badRequest(`No valid host was found. Host ${row.host ?? '(none)'} has not enough free resources for flavor ${flavor.name}.`);
    }
  };
  await claimAndRun(r, row, 'resize', async (fresh) => {
    try {
      await agentOf(r, fresh).resize(await specFor(r, fresh, flavor), wasOn);
    } catch (err) {
      // The server stays on its old flavor: the new one's hold must not outlive the attempt.
      await r.ctx.scheduler.release(fresh.uuid, 'migration');
      throw err;
    }
    return {
      vm: 'resized', power: wasOn ? POWER.RUNNING : POWER.SHUTDOWN,
      set: { old_flavor: fresh.flavor, new_flavor: JSON.stringify(flavor), flavor: JSON.stringify(flavor), flavor_id: flavor.id,
        vcpus: flavor.vcpus, memory_mb: flavor.ram, root_gb: flavor.disk, ephemeral_gb: flavor.ephemeral },
    };
  }, { afterClaim: holdNewFlavor });
}

export async function confirmResize(r: ActionRequest, row: InstanceRow): Promise<void> {
  await claimAndRun(r, row, 'confirmResize', async (fresh) => {
    await agentOf(r, fresh).confirmResize(fresh.uuid);
    await r.ctx.scheduler.promoteMigration(fresh.uuid);
    return { vm: fresh.power_state === POWER.RUNNING ? 'active' : 'stopped', set: { old_flavor: null, new_flavor: null } };
  });
}

export async function revertResize(r: ActionRequest, row: InstanceRow): Promise<void> {
  checkState(row, 'revertResize');
  if (!row.old_flavor) throw badRequest(`Instance ${row.uuid} has no resize to revert.`);
  const old = json<InstanceFlavor>(row.old_flavor, {} as InstanceFlavor);
  await claimAndRun(r, row, 'revertResize', async (fresh) => {
    const on = fresh.power_state === POWER.RUNNING;
    await agentOf(r, fresh).revertResize(await specFor(r, fresh, old), on);
    await r.ctx.scheduler.release(fresh.uuid, 'migration');
    return {
      vm: on ? 'active' : 'stopped',
      set: { flavor: fresh.old_flavor!, flavor_id: old.id, old_flavor: null, new_flavor: null, vcpus: old.vcpus, memory_mb: old.ram, root_gb: old.disk, ephemeral_gb: old.ephemeral },
    };
  });
}

export async function rescue(r: ActionRequest, row: InstanceRow, body: unknown): Promise<string> {
  const b = body === null ? {} : obj(body, 'rescue');
  let rescueImage: ImageRef | null = systemMetadata(row).boot?.image ?? null;
  if (typeof b.rescue_image_ref === 'string') {
    const images = await loadBootImages(r.ctx.deps, r.auth, refId(b.rescue_image_ref));
    rescueImage = bootRecord(images).image;
  }
  if (!rescueImage) throw badRequest('Cannot rescue a server that was not booted from an image without rescue_image_ref.');
  const adminPass = typeof b.adminPass === 'string' ? b.adminPass : randomBytes(9).toString('base64url');
  await claimAndRun(r, row, 'rescue', async (fresh) => {
    await agentOf(r, fresh).rescue(await specFor(r, fresh), rescueImage!);
    return { power: POWER.RUNNING };
  });
  return adminPass;
}

export async function unrescue(r: ActionRequest, row: InstanceRow): Promise<void> {
  await claimAndRun(r, row, 'unrescue', async (fresh) => {
    await agentOf(r, fresh).unrescue(await specFor(r, fresh));
    return { power: POWER.RUNNING };
  });
}
