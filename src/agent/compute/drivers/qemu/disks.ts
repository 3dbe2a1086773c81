// qemu-img operations on guest disks. Formats are always probed or passed explicitly: a file
// opened with a guessed format could name any host file as its backing file.
import { exec } from './exec.js';

export const GIB = 1024 ** 3;

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile: string | null;
}

/** `shared`: read an image a running QEMU holds open (its write lock is then not required). */
export async function imageInfo(file: string, opts: { format?: string; shared?: boolean } = {}): Promise<ImageInfo> {
  const args = ['info', '--output=json'];
  if (opts.format) args.push('-f', opts.format);
  if (opts.shared) args.push('-U');
  const out = JSON.parse(await exec('qemu-img', [...args, file])) as Record<string, unknown>;
  return {
    format: String(out.format),
    virtualSize: Number(out['virtual-size']),
    backingFile: typeof out['backing-filename'] === 'string' ? out['backing-filename'] : null,
  };
}

/** A qcow2 overlay on `base`; `sizeBytes` 0 keeps the base's virtual size. */
export async function createOverlay(base: { path: string; format: string; virtualSize: number }, out: string, sizeBytes: number): Promise<void> {
  if (sizeBytes > 0 && sizeBytes < base.virtualSize) {
    throw new Error(`root disk of ${sizeBytes / GIB} GiB is smaller than the image's ${(base.virtualSize / GIB).toFixed(2)} GiB`);
  }
  const args = ['create', '-q', '-f', 'qcow2', '-b', base.path, '-F', base.format, out];
  if (sizeBytes > 0) args.push(String(sizeBytes));
  await exec('qemu-img', args);
}

export async function createBlank(out: string, sizeBytes: number): Promise<void> {
  await exec('qemu-img', ['create', '-q', '-f', 'qcow2', out, String(sizeBytes)]);
}

/** Grows a qcow2 image; refuses to shrink (a guest's filesystem would be cut). */
export async function growImage(file: string, sizeBytes: number): Promise<void> {
  const info = await imageInfo(file, { format: 'qcow2' });
  if (sizeBytes < info.virtualSize) throw new Error(`cannot shrink a ${info.virtualSize}-byte disk to ${sizeBytes} bytes`);
  if (sizeBytes > info.virtualSize) await exec('qemu-img', ['resize', '-q', '-f', 'qcow2', file, String(sizeBytes)]);
}

/** Flattens `src` (with its backing chain) into a standalone image of `format`. */
export async function flatten(src: string, srcFormat: string, dst: string, format: string, shared: boolean): Promise<void> {
  const args = ['convert', '-q', '-f', srcFormat, '-O', format];
  if (shared) args.push('-U');
  await exec('qemu-img', [...args, src, dst]);
}

/** Grows a qcow2 or raw volume file no process holds open; refuses to shrink. */
export async function growVolumeFile(file: string, format: 'qcow2' | 'raw', sizeBytes: number): Promise<void> {
  const info = await imageInfo(file, { format });
  if (sizeBytes < info.virtualSize) throw new Error(`cannot shrink a ${info.virtualSize}-byte volume to ${sizeBytes} bytes`);
  if (sizeBytes > info.virtualSize) await exec('qemu-img', ['resize', '-q', '-f', format, file, String(sizeBytes)]);
}
