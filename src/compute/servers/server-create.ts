// Creating servers: resolve the flavor, image(s), keypair, zone and group the request names, check
// quota and write the instances in one transaction (BUILD/scheduling), then hand each to the
// conductor. Everything that can be refused is refused before the first row is written.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { ComputeDeps } from '../common.js';
import { now } from '../common.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import type { ImageView } from '../image-access.js';
import type { ImageRef } from '../../agent/compute/driver.js';
import type { BootRecord } from '../conductor/guest-spec.js';
import { startAction } from '../instance-actions/action-log.js';
import { findBootFlavor } from '../flavors/flavors.service.js';
import { loadKeypair } from '../keypairs/keypairs.service.js';
import { addGroupMember } from '../server-groups/group-members.js';
import { zoneExists } from '../aggregates/aggregate-hosts.js';
import { checkMetadataQuota, checkServerQuota } from '../quotas/quota-limits.js';
import type { CreateInput } from './server-create.input.js';
import { hostnameFrom } from './server-create.input.js';

export interface BootImages { image: ImageView; kernel: ImageView | null; ramdisk: ImageView | null }

/** The image a server boots, plus its kernel/ramdisk for direct kernel boot (AMI-style properties). */
export async function loadBootImages(deps: ComputeDeps, auth: AuthContext, imageId: string): Promise<BootImages> {
  const image = await deps.images.get(auth, imageId);
  if (!image) throw badRequest(`Image ${imageId} could not be found.`);
  if (image.status !== 'active') throw badRequest(`Image ${imageId} is not active.`);
  const side = async (id: string | undefined) => {
    if (!id) return null;
    const img = await deps.images.get(auth, id);
    if (!img || img.status !== 'active') throw badRequest(`Image ${id} (kernel or ramdisk of image ${imageId}) could not be found or is not active.`);
    return img;
  };
  return { image, kernel: await side(image.properties.kernel_id), ramdisk: await side(image.properties.ramdisk_id) };
}

/** Nova's checks of an image against a flavor (sizes in bytes in the messages, as Nova writes them). */
export function checkImageFitsFlavor(image: ImageView, flavor: InstanceFlavor): void {
  const diskBytes = flavor.disk * 1024 ** 3;
  const imageBytes = Math.max(image.size ?? 0, image.virtual_size ?? 0);
  if (flavor.disk > 0 && imageBytes > diskBytes) {
    throw badRequest(`Flavor's disk is too small for requested image. Flavor disk is ${diskBytes} bytes, image is ${imageBytes} bytes.`);
  }
  if (flavor.disk > 0 && image.min_disk > flavor.disk) {
    throw badRequest(`Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${diskBytes} bytes, minimum size is ${image.min_disk * 1024 ** 3} bytes.`);
  }
  if (image.min_ram > flavor.ram) throw badRequest(`Flavor's memory is too small for requested image.`);
}

const imageRef = (v: ImageView | null): ImageRef | null => v && {
  id: v.id, url: v.url, disk_format: v.disk_format, container_format: v.container_format, size: v.size,
  os_hash_algo: v.os_hash_algo, os_hash_value: v.os_hash_value, properties: v.properties,
};

/** What the instance boots from, kept so later actions (start, reboot, rebuild) need no lookup. */
export function bootRecord(images: BootImages): BootRecord {
  const cmdline = images.image.properties.os_command_line ?? (images.kernel ? 'console=ttyS0' : null);
  return { image: imageRef(images.image), kernel: imageRef(images.kernel), ramdisk: imageRef(images.ramdisk), cmdline };
}

export interface Created { rows: InstanceRow[]; reservationId: string; adminPass: string }

export async function createServers(deps: ComputeDeps, auth: AuthContext, input: CreateInput, requestId: string,
  canForceHost: boolean): Promise<Created> {
  if (!auth.projectId) throw forbidden('A project-scoped token is required to create servers.');
  const projectId = auth.projectId;
  // Nova's create turns FlavorNotFound into this message.
  const flavor = await findBootFlavor(deps, auth, input.flavorRef);
  if (!flavor) throw badRequest('Invalid flavorRef provided.');
  const images = await loadBootImages(deps, auth, input.imageRef!);
  checkImageFitsFlavor(images.image, flavor);
  const keyData = input.keyName === null ? null : (await loadKeypair(deps, auth.userId, input.keyName)).public_key;
  if (input.forcedHost !== null && !canForceHost) throw forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
  if (input.availabilityZone !== null && !(await zoneExists(deps.db, input.availabilityZone))) {
    throw badRequest('The requested availability zone is not available');
  }
  if (Array.isArray(input.networks) && input.networks.length > 0) {
    const n = input.networks[0]!;
    throw badRequest(n.port ? `Port ${n.port} could not be found.` : `Network ${n.uuid ?? ''} could not be found.`);
  }
  const groupId = typeof input.hints.group === 'string' ? input.hints.group.toLowerCase() : null;
  await checkMetadataQuota(deps.db, deps.config.compute, projectId, Object.keys(input.metadata).length);

  const reservationId = `r-${randomBytes(4).toString('hex')}`;
  const adminPass = randomBytes(9).toString('base64url');
  const ts = now();
  const rows: InstanceRow[] = [];
  await deps.db.transaction().execute(async (trx) => {
    await serializeOn(trx, `quota:${projectId}`);
    // Nova creates as many as fit between min_count and max_count.
    let n = input.maxCount;
    for (; n >= input.minCount; n--) {
      try {
        await checkServerQuota(trx, deps.config.compute, projectId, { instances: n, cores: n * flavor.vcpus, ram: n * flavor.ram });
        break;
      } catch (err) {
        if (n === input.minCount) throw err;
      }
    }
    for (let i = 0; i < n; i++) {
      const uuid = randomUUID();
      const name = n > 1 ? `${input.name}-${i + 1}` : input.name;
      const row: InstanceRow = {
        uuid, name, description: input.description, project_id: projectId, user_id: auth.userId,
        image_ref: images.image.id, kernel_id: images.kernel?.id ?? null, ramdisk_id: images.ramdisk?.id ?? null,
        flavor_id: flavor.id, flavor: JSON.stringify(flavor), old_flavor: null, new_flavor: null,
        vcpus: flavor.vcpus, memory_mb: flavor.ram, root_gb: flavor.disk, ephemeral_gb: flavor.ephemeral,
        key_name: input.keyName, key_data: keyData, user_data: input.userData,
        availability_zone: input.availabilityZone, host: null, node: null,
        vm_state: 'building', task_state: 'scheduling', power_state: 0, locked: 0, locked_by: null,
        launch_index: i, reservation_id: reservationId, hostname: hostnameFrom(name),
        config_drive: input.configDrive ? 'True' : '', access_ip_v4: input.accessIPv4, access_ip_v6: input.accessIPv6,
        progress: 0, networks: JSON.stringify(input.networks), scheduler_hints: JSON.stringify(input.hints),
        system_metadata: JSON.stringify({ forced_host: input.forcedHost, image_properties: images.image.properties, boot: bootRecord(images) }),
        fault: null, created_at: ts, updated_at: ts, launched_at: null, terminated_at: null, deleted_at: null, deleted: 0,
      };
      await trx.insertInto('compute_instance').values(row).execute();
      const meta = Object.entries(input.metadata);
      if (meta.length) await trx.insertInto('compute_instance_metadata').values(meta.map(([key, value]) => ({ instance_uuid: uuid, key, value }))).execute();
      if (input.tags.length) await trx.insertInto('compute_instance_tag').values(input.tags.map((tag) => ({ instance_uuid: uuid, tag }))).execute();
      if (groupId !== null) await addGroupMember(trx, deps, groupId, uuid, projectId);
      await startAction(trx, auth, uuid, 'create', requestId, projectId);
      rows.push(row);
    }
  });
  return { rows, reservationId, adminPass };
}
