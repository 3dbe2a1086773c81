import { execFile } from 'node:child_process';

/** What inspection found; `problem` set means the image must be refused. */
export interface Inspection { readonly format: string; readonly virtualSize: number | null; readonly problem?: string }

// qemu-img parses attacker-supplied headers: run it with a cap on address space and CPU time so
// a crafted image cannot exhaust the host (the limits Glance and Nova use: 1 GiB, 30 s).
export const MEMORY_LIMIT = 1024 * 1024 * 1024;
export const CPU_SECONDS = 30;

/** Glance disk_format → the format name qemu-img reports for it. Formats qemu-img sees as raw
 *  (iso, and the aki/ari/ami kernel/ramdisk/machine images) accept raw. */
export const qemuFormat: Record<string, string[]> = {
  raw: ['raw'], qcow2: ['qcow2'], vmdk: ['vmdk'], vdi: ['vdi'], vhd: ['vpc'], vhdx: ['vhdx'],
  iso: ['raw', 'iso'], aki: ['raw'], ari: ['raw'], ami: ['raw'],
};

function qemuImgInfo(path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile('prlimit', [`--as=${MEMORY_LIMIT}`, `--cpu=${CPU_SECONDS}`, 'qemu-img', 'info', '--output=json', path],
      { timeout: (CPU_SECONDS + 30) * 1000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(String(stderr).trim().split('\n').pop() || err.message));
        try { resolve(JSON.parse(stdout) as Record<string, unknown>); } catch { reject(new Error('qemu-img printed no JSON')); }
      });
  });
}

/** Inspects the file at `path` against the declared `diskFormat`. Never throws for bad content. */
export async function inspectImage(path: string, diskFormat: string | null): Promise<Inspection> {
  let info: Record<string, unknown>;
  try {
    info = await qemuImgInfo(path);
  } catch (err) {
    // A qcow2 whose backing file cannot be opened lands here too: refused either way.
    return { format: 'unknown', virtualSize: null, problem: `Image data could not be inspected: ${(err as Error).message}` };
  }
  const format = String(info.format ?? 'unknown');
  const virtualSize = typeof info['virtual-size'] === 'number' ? info['virtual-size'] : null;
  if (info['backing-filename'] !== undefined || info['full-backing-filename'] !== undefined) {
    return { format, virtualSize, problem: 'Image data refused: it refers to a backing file, which is not allowed.' };
  }
  const specific = (info['format-specific'] as { data?: Record<string, unknown> } | undefined)?.data;
  if (specific?.['data-file'] !== undefined) {
    return { format, virtualSize, problem: 'Image data refused: it refers to an external data file, which is not allowed.' };
  }
  const expected = diskFormat ? qemuFormat[diskFormat] : undefined;
  if (expected && !expected.includes(format)) {
    return { format, virtualSize, problem: `Image data does not match the declared disk_format '${diskFormat}': the data is ${format}.` };
  }
  return { format, virtualSize };
}
