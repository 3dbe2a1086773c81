// The server body Nova returns, per microversion: what every version in our range shows, what
// admins see beside (OS-EXT-SRV-ATTR), and the flavor as a link (< 2.47) or embedded (>= 2.47).
import { createHash } from 'node:crypto';
import type { ApiVersion } from '../microversions.js';
import { has } from '../microversions.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { isoMicro, isoSeconds, json } from '../common.js';
import { serverStatus } from '../vm-states.js';
import type { ServerNetworkView } from '../network-access.js';
import { requestedNetworks } from '../conductor/guest-spec.js';
import type { AttachedVolume } from '../block-devices/guest-volumes.js';

export interface ViewContext {
  version: ApiVersion;
  /** Base URL of the compute API: `${publicUrl}/compute`. */
  base: string;
  imageBase: string;
  admin: boolean;
  /** May see the flavor's extra specs (2.47+). */
  flavorExtraSpecs: boolean;
  /** Whether each server's host service is up (host_status, 2.16), for admins. */
  hostStatus?: (host: string | null) => string;
}

export interface ServerExtras {
  metadata: Record<string, string>;
  tags: string[];
  /** Addresses and security groups from the server's ports (absent: none). */
  network?: ServerNetworkView;
  /** The server's volumes from its block device mappings (volumesAttachedOf; absent: none). */
  volumesAttached?: AttachedVolume[];
}

/** Nova's hostId: an opaque per-project hash of the host, so tenants can tell co-location apart. */
export const hostId = (projectId: string, host: string | null): string => {
  if (!host) return '';
  // Memoised: a list of 1,000 servers on a few hosts would otherwise hash 1,000 times.
  const key = `${projectId}\n${host}`;
  let id = hostIds.get(key);
  if (id === undefined) {
    if (hostIds.size >= 10_000) hostIds.clear();
    id = createHash('sha224').update(projectId + host).digest('hex');
    hostIds.set(key, id);
  }
  return id;
};
const hostIds = new Map<string, string>();

/** The flavor JSON of the previous call, parsed: the servers of one list mostly share a flavor. */
let lastFlavor: { text: string; flavor: InstanceFlavor } | null = null;
function flavorOf(row: InstanceRow): InstanceFlavor {
  if (lastFlavor?.text !== row.flavor) lastFlavor = { text: row.flavor, flavor: json<InstanceFlavor>(row.flavor, {} as InstanceFlavor) };
  return lastFlavor.flavor;
}

export const serverLinks = (base: string, id: string) => [
  { rel: 'self', href: `${base}/v2.1/servers/${id}` },
  { rel: 'bookmark', href: `${base}/servers/${id}` },
];

function faultView(row: InstanceRow, admin: boolean): Record<string, unknown> | undefined {
  if (!row.fault || (row.vm_state !== 'error' && row.vm_state !== 'deleted')) return undefined;
  const f = json<{ code: number; message: string; details?: string; created: string }>(row.fault, { code: 500, message: '', created: row.updated_at });
  const view: Record<string, unknown> = { code: f.code, created: isoSeconds(f.created), message: f.message };
  // Nova shows details (a traceback) to admins, and to everyone for non-500 faults.
  if (f.details && (admin || f.code !== 500)) view.details = f.details;
  return view;
}

export function serverView(row: InstanceRow, extras: ServerExtras, ctx: ViewContext): Record<string, unknown> {
  const v = ctx.version;
  const flavor = flavorOf(row);
  const status = serverStatus(row.vm_state, row.task_state);
  const body: Record<string, unknown> = {
    id: row.uuid,
    name: row.name,
    status,
    tenant_id: row.project_id,
    user_id: row.user_id,
    metadata: extras.metadata,
    hostId: hostId(row.project_id, row.host),
    image: row.image_ref ? { id: row.image_ref, links: [{ rel: 'bookmark', href: `${ctx.imageBase}/images/${row.image_ref}` }] } : '',
    flavor: has(v, 'serverFlavorEmbedded')
      ? {
        vcpus: flavor.vcpus, ram: flavor.ram, disk: flavor.disk, ephemeral: flavor.ephemeral, swap: flavor.swap,
        original_name: flavor.name, ...(ctx.flavorExtraSpecs ? { extra_specs: { ...flavor.extra_specs } } : {}),
      }
      : { id: row.flavor_id, links: [{ rel: 'bookmark', href: `${ctx.base}/flavors/${row.flavor_id}` }] },
    created: isoSeconds(row.created_at),
    updated: isoSeconds(row.updated_at),
    addresses: extras.network?.addresses ?? {},
    accessIPv4: row.access_ip_v4 ?? '',
    accessIPv6: row.access_ip_v6 ?? '',
    links: serverLinks(ctx.base, row.uuid),
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': row.availability_zone ?? '',
    config_drive: row.config_drive,
    key_name: row.key_name,
    'OS-SRV-USG:launched_at': isoMicro(row.launched_at),
    'OS-SRV-USG:terminated_at': isoMicro(row.terminated_at),
    'OS-EXT-STS:task_state': row.task_state,
    'OS-EXT-STS:vm_state': row.vm_state,
    'OS-EXT-STS:power_state': row.power_state,
    // delete_on_termination arrived with 2.3, as the extended server attributes did.
    'os-extended-volumes:volumes_attached': (extras.volumesAttached ?? []).map((vol) =>
      has(v, 'extendedServerAttributes') ? { id: vol.id, delete_on_termination: vol.delete_on_termination } : { id: vol.id }),
  };
  if (status === 'BUILD' || status === 'ACTIVE') body.progress = row.progress;
  // Nova shows the groups of the server's ports, and the key only when it has networking.
  const groups = extras.network?.securityGroups ?? [];
  if (groups.length) body.security_groups = groups.map((name) => ({ name }));
  else if (requestedNetworks(row).nics.length) body.security_groups = [{ name: 'default' }];
  const fault = faultView(row, ctx.admin);
  if (fault) body.fault = fault;
  if (ctx.admin) {
    body['OS-EXT-SRV-ATTR:host'] = row.host;
    body['OS-EXT-SRV-ATTR:hypervisor_hostname'] = row.host;
    body['OS-EXT-SRV-ATTR:instance_name'] = `instance-${row.uuid.slice(0, 8)}`;
    if (has(v, 'extendedServerAttributes')) {
      body['OS-EXT-SRV-ATTR:reservation_id'] = row.reservation_id;
      body['OS-EXT-SRV-ATTR:launch_index'] = row.launch_index;
      body['OS-EXT-SRV-ATTR:hostname'] = row.hostname;
      body['OS-EXT-SRV-ATTR:kernel_id'] = row.kernel_id ?? '';
      body['OS-EXT-SRV-ATTR:ramdisk_id'] = row.ramdisk_id ?? '';
      body['OS-EXT-SRV-ATTR:root_device_name'] = '/dev/vda';
      body['OS-EXT-SRV-ATTR:user_data'] = row.user_data;
    }
  }
  if (has(v, 'serverLocked')) body.locked = row.locked === 1;
  if (has(v, 'hostStatus') && ctx.hostStatus) body.host_status = ctx.hostStatus(row.host);
  if (has(v, 'serverDescription')) body.description = row.description;
  if (has(v, 'serverTags')) body.tags = extras.tags;
  if (has(v, 'trustedCerts')) body.trusted_image_certificates = null;
  return body;
}
