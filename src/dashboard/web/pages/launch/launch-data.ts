// What the wizard reads from the public APIs: the shapes it uses and one loader per list.
import type { Session } from '../../app/session';

export interface Image { id: string; name?: string | null; size?: number | null; min_disk?: number; min_ram?: number; image_type?: string; visibility?: string; disk_format?: string }
export interface Volume { id: string; name?: string | null; size: number; bootable?: string; volume_type?: string | null; volume_image_metadata?: Record<string, string> }
export interface VolumeSnapshot { id: string; name?: string | null; size: number; volume_id: string }
export interface Flavor { id: string; name: string; vcpus: number; ram: number; disk: number; 'OS-FLV-EXT-DATA:ephemeral'?: number; 'os-flavor-access:is_public'?: boolean }
export interface Network { id: string; name: string; shared?: boolean; 'router:external'?: boolean; status?: string; subnets?: string[]; project_id?: string }
export interface SecurityGroup { id: string; name: string; description?: string }
export interface Keypair { name: string; type?: string; fingerprint?: string }
export interface Zone { zoneName: string; zoneState: { available: boolean } }
export interface AbsoluteLimits {
  maxTotalInstances: number; totalInstancesUsed: number;
  maxTotalCores: number; totalCoresUsed: number;
  maxTotalRAMSize: number; totalRAMUsed: number;
}

type Api = Session['api'];

export const loadZones = async (api: Api, signal: AbortSignal) =>
  (await api.compute.call<{ availabilityZoneInfo: Zone[] }>('/os-availability-zone', { signal })).availabilityZoneInfo
    .filter((z) => z.zoneState.available).map((z) => z.zoneName);

export const loadLimits = async (api: Api, signal: AbortSignal) =>
  (await api.compute.call<{ limits: { absolute: AbsoluteLimits } }>('/limits', { signal })).limits.absolute;

export const loadImages = async (api: Api, signal: AbortSignal) =>
  (await api.image.call<{ images: Image[] }>('/images', { query: { status: 'active', limit: 1000 }, signal })).images;

export const loadVolumes = async (api: Api, signal: AbortSignal) =>
  (await api.volume.call<{ volumes: Volume[] }>('/volumes/detail', { query: { status: 'available' }, signal })).volumes;

export const loadVolumeSnapshots = async (api: Api, signal: AbortSignal) =>
  (await api.volume.call<{ snapshots: VolumeSnapshot[] }>('/snapshots/detail', { query: { status: 'available' }, signal })).snapshots;

export const loadFlavors = async (api: Api, signal: AbortSignal) =>
  (await api.compute.call<{ flavors: Flavor[] }>('/flavors/detail', { signal })).flavors;

export const loadNetworks = async (api: Api, signal: AbortSignal) =>
  (await api.network.call<{ networks: Network[] }>('/networks', { signal })).networks;

export const loadSecurityGroups = async (api: Api, projectId: string, signal: AbortSignal) =>
  (await api.network.call<{ security_groups: SecurityGroup[] }>('/security-groups', { query: { project_id: projectId }, signal })).security_groups;

export const loadKeypairs = async (api: Api, signal: AbortSignal) =>
  (await api.compute.call<{ keypairs: { keypair: Keypair }[] }>('/os-keypairs', { signal })).keypairs.map((k) => k.keypair);

export const GiB = 1024 ** 3;
export const isSnapshotImage = (i: Image) => i.image_type === 'snapshot';
/** The smallest volume that holds an image: its min_disk, or its size rounded up to GiB. */
export const imageVolumeSize = (i: Image) => Math.max(1, i.min_disk ?? 0, Math.ceil((i.size ?? 0) / GiB));
