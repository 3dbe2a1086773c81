// Cinder v3 records as the volumes pages read them (microversion 3.60), plus the servers they attach to.
export interface Attachment { server_id: string; attachment_id?: string; device?: string | null; volume_id: string }
export interface Volume {
  id: string; name: string | null; description: string | null; size: number; status: string;
  volume_type: string | null; bootable: string | boolean; attachments: Attachment[]; availability_zone: string | null;
  encrypted: boolean; created_at: string;
}
export interface Snapshot { id: string; name: string | null; description: string | null; volume_id: string; size: number; status: string; created_at: string }
export interface Backup {
  id: string; name: string | null; volume_id: string; size: number; status: string; is_incremental?: boolean;
  created_at: string; description?: string | null;
}
export interface ServerRef { id: string; name: string; status: string }
export interface VolumeType {
  id: string; name: string; description?: string | null; is_public?: boolean;
  extra_specs?: Record<string, string>; 'os-volume-type-access:is_public'?: boolean;
}
/** A pending volume transfer (Cinder removes it once accepted). */
export interface Transfer { id: string; name: string | null; volume_id: string; created_at: string; no_snapshots?: boolean }

/** Statuses that change on their own (creating, attaching, backing-up, …): poll fast while any shows.
 *  Not awaiting-transfer: an offer can wait for days for the other project. */
export const isTransitional = (status: string) => /ing$|^reserved$|^maintenance$/.test(status.toLowerCase());
export const pollWhileBusy = <T extends { status: string }>(fast: number, slow: number) =>
  (rows: T[] | undefined) => (rows?.some((r) => isTransitional(r.status)) ? fast : slow);

export const label = (r: { id: string; name: string | null }) => r.name || r.id;
export const isBootable = (v: Volume) => v.bootable === true || v.bootable === 'true';

export type VolumeDialog =
  | { kind: 'create'; imageId?: string; snapshotId?: string }
  | { kind: 'attach' | 'extend' | 'snapshot' | 'backup' | 'edit' | 'delete' | 'upload' | 'retype' | 'transfer'; volume: Volume }
  | { kind: 'accept' }
  | { kind: 'delete-transfer'; transfer: Transfer }
  | { kind: 'detach'; volume: Volume; attachment: Attachment }
  | { kind: 'delete-snapshot'; snapshot: Snapshot }
  | { kind: 'restore' | 'delete-backup'; backup: Backup };
