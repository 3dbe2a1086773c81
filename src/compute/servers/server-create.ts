// Creating servers: resolve the flavor, image(s), keypair, zone and group the request names, check
// quota and write the instances in one transaction (BUILD/scheduling), then hand each to the
// conductor. Everything that can be refused is refused before the first row is written.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, forbidden } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { ComputeDeps } from '../common.js';
import { now } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import { bootRecord, checkImageFitsFlavor, loadBootImages } from './boot-images.js';
import { startAction } from '../instance-actions/action-log.js';
import { findBootFlavor } from '../flavors/flavors.service.js';
import { loadKeypair } from '../keypairs/keypairs.service.js';
import { addGroupMember } from '../server-groups/group-members.js';
import { zoneExists } from '../aggregates/aggregate-hosts.js';
import { checkMetadataQuota, checkServerQuota } from '../quotas/quota-limits.js';
import type { CreateInput } from './server-create.input.js';
import { hostnameFrom } from './server-create.input.js';
import { checkBlockDevices, provisionBlockDevices } from '../block-devices/boot-volumes.js';

export interface Created { rows: InstanceRow[]; reservationId: string; adminPass: string }

/** `authToken`: the user's, for volumes made from images at boot (block storage downloads the image with it). */
export async function createServers(deps: ComputeDeps, auth: AuthContext, input: CreateInput, requestId: string,
  canForceHost: boolean, authToken = ''): Promise<Created> {
  if (!auth.projectId) throw forbidden('A project-scoped token is required to create servers.');
  const projectId = auth.projectId;
  // Nova's create turns FlavorNotFound into this message.
  const flavor = await findBootFlavor(deps, auth, input.flavorRef);
  if (!flavor) throw badRequest('Invalid flavorRef provided.');
  // Booting from a volume there is no image and no local root disk for the flavor to hold.
  const images = input.imageRef ? await loadBootImages(deps, auth, input.imageRef) : null;
  if (images) checkImageFitsFlavor(images.image, flavor);
  const devices = await checkBlockDevices(deps, auth, input.blockDevices, input.maxCount);
  const keyData = input.keyName === null ? null : (await loadKeypair(deps, auth.userId, input.keyName)).public_key;
  if (input.forcedHost !== null && !canForceHost) throw forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
  if (input.availabilityZone !== null && !(await zoneExists(deps.db, input.availabilityZone))) {
    throw badRequest('The requested availability zone is not available');
  }
  // Networks, ports, fixed IPs and security groups are checked now (Nova's 400/409s), ports are
  // made by the conductor once a host is chosen.
  const requested = input.networks === 'none' ? 'none'
    : await deps.network.checkRequest(auth, input.networks, input.securityGroups, input.maxCount);
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
        image_ref: images?.image.id ?? '', kernel_id: images?.kernel?.id ?? null, ramdisk_id: images?.ramdisk?.id ?? null,
        flavor_id: flavor.id, flavor: JSON.stringify(flavor), old_flavor: null, new_flavor: null,
        vcpus: flavor.vcpus, memory_mb: flavor.ram, root_gb: flavor.disk, ephemeral_gb: flavor.ephemeral,
        key_name: input.keyName, key_data: keyData, user_data: input.userData,
        availability_zone: input.availabilityZone, host: null, node: null,
        vm_state: 'building', task_state: 'scheduling', power_state: 0, locked: 0, locked_by: null,
        launch_index: i, reservation_id: reservationId, hostname: hostnameFrom(name),
        config_drive: input.configDrive ? 'True' : '', access_ip_v4: input.accessIPv4, access_ip_v6: input.accessIPv6,
        progress: 0, networks: JSON.stringify(requested), scheduler_hints: JSON.stringify(input.hints),
        system_metadata: JSON.stringify({
          forced_host: input.forcedHost, image_properties: images?.image.properties ?? devices.imageProperties,
          boot: images ? bootRecord(images) : { image: null, kernel: null, ramdisk: null, cmdline: null },
        }),
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
  // Volumes are reserved and created once the servers exist; a refusal removes them again.
  if (input.blockDevices.length) await provisionBlockDevices(deps, auth, rows, devices, authToken);
  return { rows, reservationId, adminPass };
}
