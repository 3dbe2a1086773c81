import { execFile } from 'node:child_process';
import { CPU_SECONDS } from './qemu-img-inspect.js';

// Address-space cap for a conversion. Higher than inspection's: convert runs a thread pool and
// coroutines whose stacks and malloc arenas reserve address space, and under load 1 GiB was seen
// to fail with "failed to allocate memory for stack". The data was inspected first, so this cap
// only guards against a runaway, not a hostile header.
const CONVERT_MEMORY_LIMIT = 4 * 1024 * 1024 * 1024;

/** Glance disk_formats that qemu-img can convert from, with the driver name it needs (`-f`). */
const SOURCE_DRIVER: Record<string, string> = { raw: 'raw', qcow2: 'qcow2', vmdk: 'vmdk', vdi: 'vdi', vhd: 'vpc', vhdx: 'vhdx' };

/** Whether an image of `diskFormat` in `containerFormat` should be converted to `target`. */
export function wantsConversion(diskFormat: string | null, containerFormat: string | null, target: string | null): target is string {
  if (!target || !diskFormat || diskFormat === target) return false;
  // Only a bare disk is a disk: ova/ovf wrap one, aki/ari/iso are not meant to become qcow2.
  return containerFormat === 'bare' && diskFormat in SOURCE_DRIVER;
}

/**
 * `qemu-img convert` from `source` (already inspected: no backing or data file) to `dest` in
 * `target` format, under the same limits as inspection. The source driver is named explicitly so
 * qemu-img never probes the format of untrusted data. Rejects with qemu-img's last error line.
 */
export function convertImage(source: string, diskFormat: string, dest: string, target: string): Promise<void> {
  const from = SOURCE_DRIVER[diskFormat];
  if (!from) return Promise.reject(new Error(`disk_format ${diskFormat} cannot be converted`));
  return new Promise((resolve, reject) => {
    execFile('prlimit', [`--as=${CONVERT_MEMORY_LIMIT}`, `--cpu=${CPU_SECONDS}`, 'qemu-img', 'convert', '-f', from, '-O', target, source, dest],
      // Wall time is I/O bound and grows with the image; the CPU cap still bounds the work.
      { timeout: 3600 * 1000, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(String(stderr).trim().split('\n').pop() || err.message));
        else resolve();
      });
  });
}
