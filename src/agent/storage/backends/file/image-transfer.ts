// Moving data between the image service and file volumes. A downloaded image is untrusted: its
// probed format must be the one it claims and it must not name any other file (backing file, qcow2
// data-file, vmdk extents), or converting it would copy a host file into a user's volume.
import { rmSync } from 'node:fs';
import { download, upload } from '../../../compute/drivers/qemu/http-transfer.js';
import type { ImageSource, ImageTarget } from '../../backend.js';
import { tempPath, type FileFormat } from './file-paths.js';
import { convert, grow, probe, qemuFormatOf } from './qemu-img.js';

/** Downloads `image` and writes it as a `format` file at `dest` of `sizeBytes`. Removes its temp file in every case. */
export async function importImage(dir: string, image: ImageSource, dest: string, format: FileFormat, sizeBytes: number): Promise<void> {
  const claimed = qemuFormatOf(image.disk_format);
  if (!claimed) throw new Error(`image ${image.id}: disk_format ${image.disk_format} cannot be written to a volume`);
  const tmp = tempPath(dir, `image-${image.id}`);
  try {
    await download(image.url, image.authToken, tmp, null);
    const found = await probe(tmp, { untrusted: true });
    if (found.format !== claimed) {
      throw new Error(`image ${image.id} claims disk_format ${image.disk_format} but its data is ${found.format}: refused`);
    }
    if (found.backingFile !== null || found.externalFiles.length > 0) {
      throw new Error(`image ${image.id} refers to other files (backing file or external data): refused`);
    }
    if (found.virtualSize > sizeBytes) {
      throw new Error(`image ${image.id} needs ${found.virtualSize} bytes, more than the volume's ${sizeBytes}`);
    }
    if (image.virtualSize !== null && image.virtualSize > sizeBytes) {
      throw new Error(`image ${image.id} has a virtual size of ${image.virtualSize} bytes, more than the volume's ${sizeBytes}`);
    }
    await convert(tmp, claimed, dest, format);
    await grow(dest, format, sizeBytes);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Converts the volume file into `target.diskFormat` and PUTs it; resolves with the bytes sent. */
export async function exportImage(dir: string, src: string, srcFormat: FileFormat, target: ImageTarget): Promise<number> {
  const out = qemuFormatOf(target.diskFormat);
  if (out !== 'qcow2' && out !== 'raw') throw new Error(`volumes upload as qcow2 or raw, not ${target.diskFormat}`);
  const tmp = tempPath(dir, 'upload');
  try {
    // -U always: an attached volume is open in QEMU, and reading a detached one shared costs nothing.
    await convert(src, srcFormat, tmp, out, true);
    return await upload(target.url, target.authToken, tmp, 'application/octet-stream');
  } finally {
    rmSync(tmp, { force: true });
  }
}
