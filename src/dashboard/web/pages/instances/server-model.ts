// The Nova server as the dashboard reads it (compute 2.64), and what its state fields mean.
import type { ServiceClient } from '../../api/clients';

export interface ServerAddress { addr: string; version: number; 'OS-EXT-IPS:type'?: 'fixed' | 'floating'; 'OS-EXT-IPS-MAC:mac_addr'?: string }

export interface Server {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  user_id?: string;
  created: string;
  updated?: string;
  image: { id: string } | '' | null;
  flavor: { original_name: string; vcpus: number; ram: number; disk: number; ephemeral?: number; swap?: number; extra_specs?: Record<string, string> };
  addresses: Record<string, ServerAddress[]>;
  key_name?: string | null;
  metadata?: Record<string, string>;
  security_groups?: { name: string }[];
  locked?: boolean;
  tags?: string[];
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-AZ:availability_zone'?: string;
  'OS-EXT-SRV-ATTR:host'?: string | null;
  fault?: { message: string; code: number };
}

/** Nova's power_state numbers (nova/compute/power_state.py). */
export const POWER_STATES: Record<number, string> = { 0: 'No state', 1: 'Running', 3: 'Paused', 4: 'Shutdown', 6: 'Crashed', 7: 'Suspended' };

const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING', 'REVERT_RESIZE', 'PASSWORD', 'REBUILD', 'RESCUE', 'SHELVED']);

/** Busy: Nova is working on it, so the page polls fast. VERIFY_RESIZE waits for the user, but it counts too
 * (the resize finishes moments before the status flips). */
export function isBusy(s: Server): boolean {
  return Boolean(s['OS-EXT-STS:task_state']) || TRANSITIONAL.has(s.status);
}

/** The status with Nova's current task while busy, e.g. "BUILD (spawning)". */
export function statusText(s: Server): string {
  const task = s['OS-EXT-STS:task_state'];
  return task ? `${s.status} (${task})` : s.status;
}

export function imageId(s: Server): string | undefined {
  return s.image && typeof s.image === 'object' ? s.image.id : undefined;
}

export function addressList(s: Server): { net: string; addr: string; type: string }[] {
  return Object.entries(s.addresses ?? {}).flatMap(([net, list]) =>
    list.map((a) => ({ net, addr: a.addr, type: a['OS-EXT-IPS:type'] ?? 'fixed' })));
}

/** Every page of /servers/detail (limit + marker), so a project with thousands of servers lists them all. */
export async function listServers(compute: ServiceClient, allProjects: boolean, signal?: AbortSignal): Promise<Server[]> {
  const out: Server[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await compute.get<{ servers: Server[] }>('/servers/detail',
      { limit: 1000, marker, all_tenants: allProjects ? 1 : undefined }, { signal });
    out.push(...page.servers);
    if (page.servers.length < 1000) return out;
    marker = page.servers[page.servers.length - 1].id;
  }
}

/** Image names by id (images the user can see; others show their id). */
export async function imageNames(image: ServiceClient, signal?: AbortSignal): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let path: string | undefined = '/images?limit=1000';
  while (path) {
    const page: { images: { id: string; name: string | null }[]; next?: string } = await image.get(path, undefined, { signal });
    for (const i of page.images) names.set(i.id, i.name ?? i.id);
    // Glance's next link is relative to the API root ("/v2/images?marker=…").
    path = page.next ? page.next.replace(/^\/v2/, '') : undefined;
  }
  return names;
}
