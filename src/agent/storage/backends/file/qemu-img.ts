// The qemu-img calls the file backend makes. The format is always passed (`-f`) except when
// probing an untrusted download, whose probed format is then checked against what it claims.
import { run } from '../../../../platform/run.js';
import type { FileFormat } from './file-paths.js';

export const GIB = 1024 ** 3;

export interface Probe {
  format: string;
  virtualSize: number;
  backingFile: string | null;
  /** Files other than itself that the image would make QEMU open (qcow2 data-file, vmdk extents). */
  externalFiles: string[];
}

/**
 * `format` omitted: qemu-img guesses (only for downloads; the caller checks the guess). An untrusted
 * file is probed under CPU and memory limits: a crafted header can make qemu-img info spin or balloon.
 */
export async function probe(file: string, opts: { format?: string; shared?: boolean; untrusted?: boolean } = {}): Promise<Probe> {
  const args = ['info', '--output=json'];
  if (opts.format) args.push('-f', opts.format);
  if (opts.shared) args.push('-U');
  const text = opts.untrusted
    ? await run('prlimit', ['--cpu=30', `--as=${GIB}`, '--', 'qemu-img', ...args, file])
    : await run('qemu-img', [...args, file]);
  const out = JSON.parse(text) as Record<string, unknown>;
  const specific = (out['format-specific'] as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  const external: string[] = [];
  if (typeof specific['data-file'] === 'string') external.push(specific['data-file']);
  for (const e of (specific.extents as Array<{ filename?: string }> | undefined) ?? []) {
    if (e.filename && e.filename !== file) external.push(e.filename);
  }
  return {
    format: String(out.format),
    virtualSize: Number(out['virtual-size']),
    backingFile: typeof out['backing-filename'] === 'string' ? out['backing-filename'] : null,
    externalFiles: external,
  };
}

/** A thin (sparse / unallocated) image. */
export async function createImage(file: string, format: FileFormat, sizeBytes: number): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', format, file, String(sizeBytes)]);
}

/** Copies `src` into a new image `dst`; `shared` reads a file a running QEMU holds open. */
export async function convert(src: string, srcFormat: string, dst: string, dstFormat: string, shared = false): Promise<void> {
  const args = ['convert', '-q', '-f', srcFormat, '-O', dstFormat];
  if (shared) args.push('-U');
  await run('qemu-img', [...args, src, dst]);
}

/** Grows an image to `sizeBytes`; refuses to shrink (a guest's filesystem would be cut). */
export async function grow(file: string, format: FileFormat, sizeBytes: number): Promise<void> {
  const { virtualSize } = await probe(file, { format });
  if (sizeBytes < virtualSize) throw new Error(`cannot shrink a ${virtualSize}-byte volume to ${sizeBytes} bytes`);
  if (sizeBytes > virtualSize) await run('qemu-img', ['resize', '-q', '-f', format, file, String(sizeBytes)]);
}

/** A copy sharing blocks where the filesystem can (reflink) and keeping holes. */
export async function copySparse(src: string, dst: string): Promise<void> {
  await run('cp', ['--reflink=auto', '--sparse=always', '--', src, dst]);
}

/** Image service disk_format → qemu-img format name; only formats qemu-img converts from safely. */
export function qemuFormatOf(diskFormat: string): string | null {
  const map: Record<string, string> = { qcow2: 'qcow2', raw: 'raw', vdi: 'vdi', vhd: 'vpc', vhdx: 'vhdx', vmdk: 'vmdk' };
  return map[diskFormat] ?? null;
}
