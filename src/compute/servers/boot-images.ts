// What a server boots from: the image (and, AMI-style, its kernel and ramdisk) as the caller may
// see it, Nova's checks of an image against a flavor, and the record of it kept on the instance.
// Used by create, rebuild, rescue and unshelve.
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import type { ImageRef } from '../../agent/compute/driver.js';
import type { ComputeDeps } from '../common.js';
import type { InstanceFlavor } from '../compute.tables.js';
import type { BootRecord } from '../conductor/guest-spec.js';
import type { ImageView } from '../image-access.js';

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
