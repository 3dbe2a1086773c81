// What the wizard reads from the public APIs: the shapes it uses and one loader per list.
import type { Session } from '../../app/session';
import type { ServerGroup } from '../instances/server-groups';

export interface Image { id: string; name?: string | null; size?: number | null; min_disk?: number; min_ram?: number; image_type?: string; visibility?: string; disk_format?: string }
export interface Volume { id: string; name?: string | null; size: number; bootable?: string; volume_type?: string | null; volume_image_metadata?: Record<string, string> }
export interface VolumeSnapshot { id: string; name?: string | null; size: number; volume_id: string }
export interface Flavor { id: string; name: string; vcpus: number; ram: number; disk: number; 'OS-FLV-EXT-DATA:ephemeral'?: number; 'os-flavor-access:is_public'?: boolean }
export interface Network { id: string; name: string; shared?: boolean; 'router:external'?: boolean; status?: string; subnets?: string[]; project_id?: string }
export interface SecurityGroup { id: string; name: string; description?: string }
export interface Keypair { name: string; type?: string; fingerprint?: string }
export interface Subnet { id: string; name?: string; network_id: string; cidr: string; ip_version: number; gateway_ip?: string | null }
export interface Port {
  id: string; name?: string; network_id: string; device_id: string; device_owner: string; mac_address?: string;
  fixed_ips: { subnet_id: string; ip_address: string }[]; project_id?: string;
}
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

export const loadSubnets = async (api: Api, signal: AbortSignal) =>
  (await api.network.call<{ subnets: Subnet[] }>('/subnets', { signal })).subnets;

/** The project's ports (an admin token would list every project's). */
export const loadPorts = async (api: Api, projectId: string, signal: AbortSignal) =>
  (await api.network.call<{ ports: Port[] }>('/ports', { query: { project_id: projectId }, signal })).ports;

export const loadServerGroups = async (api: Api, signal: AbortSignal) =>
  (await api.compute.call<{ server_groups: ServerGroup[] }>('/os-server-groups', { signal })).server_groups;

/** A port an instance may take: not attached to anything (Nova refuses one in use or without an address). */
export const isFreePort = (p: Port) => p.device_id === '';

export const GiB = 1024 ** 3;
export const isSnapshotImage = (i: Image) => i.image_type === 'snapshot';
/** The smallest volume that holds an image: its min_disk, or its size rounded up to GiB. */
export const imageVolumeSize = (i: Image) => Math.max(1, i.min_disk ?? 0, Math.ceil((i.size ?? 0) / GiB));
