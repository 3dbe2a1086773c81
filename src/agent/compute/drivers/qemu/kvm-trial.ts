// `accel: kvm` is used only after a trial boot works: on some hosts /dev/kvm exists but guests
// hang right after the BIOS (ENVIRONMENT.md). The trial boots the test guest's Debian kernel and
// initramfs (built once into <stateDir>/_kvm-trial) and waits for its ready marker.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestImage } from '../../../../dev/test-image/build-test-image.js';
import { TestGuest } from '../../../../dev/test-image/test-guest.js';

export interface TrialResult { ok: boolean; reason: string }

/** Boots the trial guest (built into or reused from `imageDir`) with `accel`. Never throws. */
export async function trialBoot(imageDir: string, workDir: string, accel: 'tcg' | 'kvm', timeoutMs: number): Promise<TrialResult> {
  let guest: TestGuest | undefined;
  const dir = mkdtempSync(join(workDir, 'nb-accel-trial-'));
  try {
    const image = await buildTestImage(imageDir);
    guest = TestGuest.start({ dir, kernel: image.kernel, initrd: image.ramdisk, cmdline: image.cmdline, accel });
    await guest.waitForLine(/NUBIS-GUEST-READY/, timeoutMs);
    return { ok: true, reason: `the trial guest booted with -accel ${accel}` };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0] ?? String(err) };
  } finally {
    await guest?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** KVM boots the trial guest in a few seconds; one stuck after the BIOS never prints the marker. */
export const kvmBootsGuests = (stateDir: string): Promise<TrialResult> =>
  trialBoot(join(stateDir, '_kvm-trial'), stateDir, 'kvm', 30_000);
