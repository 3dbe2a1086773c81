// Actions that go through the image service: createImage (a snapshot anyone in the project can
// boot), shelve (snapshot, then free the host) and unshelve (schedule again, boot the snapshot).
import { badRequest } from '../../platform/errors.js';
import type { InstanceRow } from '../compute.tables.js';
import { json } from '../common.js';
import { serverPorts, systemMetadata } from '../conductor/guest-spec.js';
import type { RequestSpec } from '../scheduler/request-spec.js';
import { POWER } from '../vm-states.js';
import { validMetadata } from './server-create.input.js';
import { bootRecord, loadBootImages } from './boot-images.js';
import { agentOf, checkState, claimAndRun, flavorOf, specFor, type ActionRequest } from './server-actions.js';

/** Creates the queued snapshot image and has the host upload the root disk into it. */
async function snapshotTo(r: ActionRequest, row: InstanceRow, name: string, extra: Record<string, string>): Promise<string> {
  const flavor = flavorOf(row);
  const props: Record<string, string> = {
    image_type: 'snapshot', instance_uuid: row.uuid, base_image_ref: row.image_ref, image_location: 'snapshot',
    owner_user_name: r.auth.userName, user_id: r.auth.userId, ...extra,
  };
  // A kernel-style server's snapshot boots the same way: it keeps the kernel/ramdisk references.
  if (row.kernel_id) props.kernel_id = row.kernel_id;
  if (row.ramdisk_id) props.ramdisk_id = row.ramdisk_id;
  const cmdline = systemMetadata(row).boot?.cmdline;
  if (cmdline && row.kernel_id) props.os_command_line = cmdline;
  return r.ctx.deps.images.createSnapshot(r.auth, name, props, { min_disk: flavor.disk, min_ram: 0 });
}

export async function createImage(r: ActionRequest, row: InstanceRow, body: unknown): Promise<string> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest("Invalid input for field/attribute createImage. Value: is not of type 'object'");
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 255) throw badRequest("Invalid input for field/attribute name. Value: 'name' is a required non-empty string");
  const metadata = validMetadata(b.metadata, 'metadata');
  checkState(row, 'createImage');
  const imageId = await snapshotTo(r, row, b.name, metadata);
  try {
    await claimAndRun(r, row, 'createImage', async (fresh) => {
      try {
        await agentOf(r, fresh).snapshot(fresh.uuid, { url: r.ctx.deps.images.fileUrl(imageId), authToken: r.token, diskFormat: 'qcow2' });
      } catch (err) {
        await r.ctx.deps.images.remove(r.auth, imageId).catch(() => undefined);
        throw err;
      }
      return {};
    });
  } catch (err) {
    await r.ctx.deps.images.remove(r.auth, imageId).catch(() => undefined);
    throw err;
  }
  return imageId;
}

export async function shelve(r: ActionRequest, row: InstanceRow): Promise<void> {
  checkState(row, 'shelve');
  const imageId = await snapshotTo(r, row, `${row.name}-shelved`, {});
  try {
    await claimAndRun(r, row, 'shelve', async (fresh) => {
      const agent = agentOf(r, fresh);
      if (fresh.power_state === POWER.RUNNING || fresh.power_state === POWER.PAUSED) {
        await agent.powerOff(fresh.uuid, r.ctx.deps.config.compute.shutdownTimeoutSeconds);
      }
      try {
        await agent.snapshot(fresh.uuid, { url: r.ctx.deps.images.fileUrl(imageId), authToken: r.token, diskFormat: 'qcow2' });
      } catch (err) {
        // The server stays where it is; the half-made snapshot must not stay behind in the image list.
        await r.ctx.deps.images.remove(r.auth, imageId).catch(() => undefined);
        throw err;
      }
      await agent.destroy(fresh.uuid);
      await r.ctx.scheduler.release(fresh.uuid);
      // Offloaded: the ports stay the server's but belong to no host until unshelve binds them again.
      await r.ctx.deps.network.unbindPorts(serverPorts(fresh).map((p) => p.id));
      return {
        power: POWER.NOSTATE,
        set: { host: null, node: null, system_metadata: JSON.stringify({ ...systemMetadata(fresh), shelved_image_id: imageId }) },
      };
    });
  } catch (err) {
    await r.ctx.deps.images.remove(r.auth, imageId).catch(() => undefined);
    throw err;
  }
}

export async function unshelve(r: ActionRequest, row: InstanceRow, body: unknown): Promise<void> {
  checkState(row, 'unshelve');
  // Choosing a zone on unshelve arrived in 2.77, past our range: the body is null.
  if (body !== null && body !== undefined) throw badRequest(`Invalid input for field/attribute unshelve. Value: ${JSON.stringify(body)} is not of type 'null'`);
  const sys = systemMetadata(row);
  const imageId = sys.shelved_image_id;
  if (!imageId) throw badRequest(`Instance ${row.uuid} has no shelved image to unshelve from.`);
  const az = row.availability_zone;
  const images = await loadBootImages(r.ctx.deps, r.auth, imageId);
  await claimAndRun(r, row, 'unshelve', async (fresh) => {
    const spec: RequestSpec = {
      instanceUuid: fresh.uuid, projectId: fresh.project_id, flavor: flavorOf(fresh), imageProperties: sys.image_properties ?? {},
      availabilityZone: az, forcedHost: null, hints: json(fresh.scheduler_hints, {}), ignoreHosts: [],
    };
    const placement = await r.ctx.scheduler.selectAndClaim(spec);
    const booted = { ...fresh, host: placement.host, node: placement.nodeId,
      system_metadata: JSON.stringify({ ...sys, boot: { ...bootRecord(images), cmdline: sys.boot?.cmdline ?? null } }) } as InstanceRow;
    const portIds = serverPorts(fresh).map((p) => p.id);
    try {
      await r.ctx.deps.network.bindPorts(portIds, placement.host);
      await r.ctx.agent(placement.host).spawn(await specFor(r, booted));
    } catch (err) {
      await r.ctx.agent(placement.host).destroy(fresh.uuid).catch(() => undefined);
      await r.ctx.deps.network.unbindPorts(portIds).catch(() => undefined);
      await r.ctx.scheduler.release(fresh.uuid);
      throw err;
    }
    const { shelved_image_id: _gone, ...rest } = sys;
    await r.ctx.deps.images.remove(r.auth, imageId).catch(() => undefined);
    return {
      power: POWER.RUNNING,
      set: { host: placement.host, node: placement.nodeId, availability_zone: az,
        system_metadata: JSON.stringify({ ...rest, boot: { ...bootRecord(images), cmdline: sys.boot?.cmdline ?? null } }) },
    };
  });
}
