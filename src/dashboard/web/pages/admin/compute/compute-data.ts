// Shapes of the Nova admin resources these pages read, and the small loaders they share.
import type { ServiceClient } from '../../../api/clients';

export interface Project { id: string; name: string }
export interface Hypervisor {
  id: string; hypervisor_hostname: string; hypervisor_type: string; state: string; status: string;
  vcpus: number; vcpus_used: number; memory_mb: number; memory_mb_used: number;
  local_gb: number; local_gb_used: number; running_vms: number; host_ip?: string;
  service?: { host: string; disabled_reason?: string | null };
}
export interface Service {
  id: string; binary: string; host: string; zone: string; status: string; state: string;
  updated_at: string | null; disabled_reason: string | null; forced_down?: boolean;
}
export interface Aggregate {
  id: number; name: string; availability_zone: string | null; hosts: string[]; metadata: Record<string, string>; uuid?: string;
}
export interface Flavor {
  id: string; name: string; vcpus: number; ram: number; disk: number; 'OS-FLV-EXT-DATA:ephemeral': number;
  swap: number | ''; 'os-flavor-access:is_public': boolean; extra_specs?: Record<string, string>; description?: string | null;
}

/** Every project (id → name) so tables can show names instead of ids. */
export async function loadProjectNames(identity: ServiceClient, signal?: AbortSignal): Promise<Map<string, string>> {
  const r = await identity.get<{ projects: Project[] }>('/projects', undefined, { signal });
  return new Map(r.projects.map((p) => [p.id, p.name]));
}

/** Compute hosts known to Nova (hypervisors first, then nova-compute services). */
export async function loadComputeHosts(compute: ServiceClient): Promise<string[]> {
  const [hv, sv] = await Promise.all([
    compute.get<{ hypervisors: { hypervisor_hostname: string; service?: { host: string } }[] }>('/os-hypervisors/detail').catch(() => ({ hypervisors: [] })),
    compute.get<{ services: Service[] }>('/os-services', { binary: 'nova-compute' }).catch(() => ({ services: [] })),
  ]);
  const hosts = new Set<string>();
  for (const h of hv.hypervisors) hosts.add(h.service?.host ?? h.hypervisor_hostname);
  for (const s of sv.services) hosts.add(s.host);
  return [...hosts].sort();
}
