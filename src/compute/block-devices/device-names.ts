// Guest device names of volumes: Nova reports `/dev/vdX`. The guest's local disks come first in
// the virtio order the drivers use (root unless booted from a volume, then ephemeral, then swap),
// volumes take the next free letters.

/** `vdb`, `/dev/vdb` → `/dev/vdb`. */
export const normalizeDevice = (name: string): string => {
  const n = name.trim();
  return n.startsWith('/dev/') ? n : `/dev/${n}`;
};

/** `/dev/vdb` → `vdb` (what GuestVolume.device holds). */
export const shortDevice = (name: string): string => name.replace(/^\/dev\//, '');

/** `vda`, `vdb`, … `vdz`, `vdaa`, … for index 0, 1, … */
export function vdName(index: number): string {
  let s = '';
  let i = index;
  do { s = String.fromCharCode(97 + (i % 26)) + s; i = Math.floor(i / 26) - 1; } while (i >= 0);
  return `/dev/vd${s}`;
}

export interface LocalDisks { bootsFromVolume: boolean; ephemeralGb: number; swapMb: number }

/** How many virtio disks the guest has of its own, ahead of any volume. */
export const localDiskCount = (d: LocalDisks): number => (d.bootsFromVolume ? 0 : 1) + (d.ephemeralGb > 0 ? 1 : 0) + (d.swapMb > 0 ? 1 : 0);

/**
 * The device for a new volume: the asked one if no disk of the guest uses it (else null), or the
 * first free `/dev/vdX` after the local disks.
 */
export function pickDevice(asked: string | null, used: readonly string[], local: LocalDisks): string | null {
  const taken = new Set(used.map(normalizeDevice));
  const first = localDiskCount(local);
  for (let i = 0; i < first; i++) taken.add(vdName(i));
  if (asked !== null) {
    const want = normalizeDevice(asked);
    return taken.has(want) ? null : want;
  }
  for (let i = first; ; i++) if (!taken.has(vdName(i))) return vdName(i);
}
