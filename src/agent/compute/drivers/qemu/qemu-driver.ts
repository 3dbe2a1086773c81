import type { ComputeDriver } from '../../driver.js';

export interface QemuDriverOptions {
  /** `<stateDir>/instances/<uuid>/` and `<stateDir>/_base/` live here. */
  stateDir: string;
  host: string;
  accel: 'tcg' | 'kvm';
  reservedHostMemoryMb: number;
}

// STUB: replaced by the real QEMU driver.
export function createQemuDriver(_opts: QemuDriverOptions): ComputeDriver {
  throw new Error('qemu driver not implemented yet');
}
