// os-volume_upload_image: make an image of a volume. The API claims the volume (`uploading`),
// creates the `queued` image as the caller (the image service's own checks and quotas), and hands
// the copy to the manager, which writes the data through the image API and puts the volume back.
import { badRequest, enforce, isoMicro, target, authToken } from '../common.js';
import type { NewImage } from '../image-access.js';
import { has } from '../microversions.js';
import { extraSpecsOf } from '../volume-types/default-type.js';
import { invalidVolume, moveVolume, statusList, VOLUME_FROM } from '../volume-states.js';
import { actionArgs, requiredString, strictBool } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

/** Formats Cinder's schema allows; the file backend writes only these two. */
const CINDER_FORMATS = ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop'];
const WRITABLE_FORMATS = ['raw', 'qcow2'];
const VISIBILITIES = ['community', 'public', 'private', 'shared'] as const;

/**
 * Image facts that are the new image's own, not copied from the volume's source image
 * (Cinder's glance_core_properties, plus what Glance computes or reserves).
 */
const NOT_COPIED = new Set(['checksum', 'container_format', 'disk_format', 'image_name', 'image_id', 'min_disk', 'min_ram',
  'name', 'size', 'virtual_size', 'id', 'status', 'visibility', 'protected', 'owner', 'os_hash_algo', 'os_hash_value',
  'created_at', 'updated_at', 'tags', 'locations', 'location', 'direct_url', 'os_hidden']);
const copied = (key: string): boolean => !NOT_COPIED.has(key) && !key.startsWith('os_glance');

export const uploadImageAction: ActionHandler = async (ctx, auth, volume, body, req, reply) => {
  const { deps } = ctx;
  const v31 = has(req, 'imageUploadVisibility');
  const allowed = ['image_name', 'force', 'disk_format', 'container_format', ...(v31 ? ['visibility', 'protected'] : [])];
  const args = actionArgs('os-volume_upload_image', body, allowed, ['image_name']);
  const name = requiredString(args.image_name, 'image_name');
  const force = args.force === undefined ? false : strictBool(args.force, 'force');
  const diskFormat = args.disk_format ?? 'raw';
  if (typeof diskFormat !== 'string' || !CINDER_FORMATS.includes(diskFormat)) {
    throw badRequest(`Invalid input for field/attribute disk_format. Value: ${JSON.stringify(diskFormat)}. It must be one of: ${CINDER_FORMATS.join(', ')}.`);
  }
  if (!WRITABLE_FORMATS.includes(diskFormat)) {
    throw badRequest(`Invalid input received: disk_format '${diskFormat}' is not supported by this cloud's volume upload: use raw or qcow2.`);
  }
  const containerFormat = args.container_format ?? 'bare';
  if (containerFormat !== 'bare') {
    throw badRequest(`Invalid input received: container_format ${JSON.stringify(containerFormat)} is not supported for a volume upload: use bare.`);
  }
  // Before 3.1 the request cannot name them: the image gets Glance's defaults, as through Cinder.
  const visibility = args.visibility ?? (v31 ? 'private' : 'shared');
  if (typeof visibility !== 'string' || !(VISIBILITIES as readonly string[]).includes(visibility)) {
    throw badRequest(`Invalid input for field/attribute visibility. Value: ${JSON.stringify(visibility)}. It must be one of: ${VISIBILITIES.join(', ')}.`);
  }
  const isProtected = args.protected === undefined ? false : strictBool(args.protected, 'protected');
  enforce(deps, auth, 'volume_extension:volume_actions:upload_image', target(auth, volume.project_id));
  if (visibility === 'public') enforce(deps, auth, 'volume_extension:volume_actions:upload_public', target(auth, volume.project_id));

  const from = force ? VOLUME_FROM.uploadForce : VOLUME_FROM.upload;
  // Claim from the status the volume has now, so `previous` is the status it goes back to.
  if (!(from as readonly string[]).includes(volume.status)) {
    throw invalidVolume(`Volume status must be ${statusList(from)} to upload to an image, but current status is: ${volume.status}.`);
  }
  const previous = volume.status as 'available' | 'in-use';
  await moveVolume(deps.db, volume.id, [previous], 'uploading', {}, 'upload to an image');
  const giveBack = () => moveVolume(deps.db, volume.id, ['uploading'], previous).catch(() => undefined);

  let image;
  try {
    const metadata = await deps.db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', volume.id).execute();
    const input: NewImage = {
      name, disk_format: diskFormat, container_format: 'bare', visibility: visibility as NewImage['visibility'],
      protected: isProtected, min_disk: volume.size,
      properties: Object.fromEntries(metadata.filter((m) => copied(m.key)).map((m) => [m.key, m.value])),
    };
    image = await deps.images.create(auth, input);
  } catch (err) {
    await giveBack();
    throw err;
  }
  try {
    ctx.manager.uploadToImage(volume.id, image.id, diskFormat, authToken(req), previous);
  } catch (err) {
    // The manager refused the work: leave neither a volume stuck `uploading` nor an empty image.
    await deps.images.remove(auth, image.id).catch(() => undefined);
    await giveBack();
    throw err;
  }

  const row = await deps.db.selectFrom('volume').select(['updated_at']).where('id', '=', volume.id).executeTakeFirst();
  const type = await deps.db.selectFrom('volume_type').selectAll().where('id', '=', volume.volume_type_id).executeTakeFirst();
  void reply.code(202);
  return {
    'os-volume_upload_image': {
      id: volume.id,
      updated_at: isoMicro(row?.updated_at ?? volume.updated_at),
      status: 'uploading',
      display_description: volume.description,
      size: volume.size,
      volume_type: type ? {
        id: type.id, name: type.name, description: type.description, is_public: type.is_public === 1,
        extra_specs: await extraSpecsOf(deps.db, type.id), qos_specs_id: null,
        created_at: isoMicro(type.created_at), updated_at: isoMicro(type.updated_at), deleted: false, deleted_at: null,
      } : null,
      image_id: image.id,
      container_format: image.container_format,
      disk_format: image.disk_format,
      image_name: image.name,
      protected: isProtected,
      visibility,
    },
  };
};
