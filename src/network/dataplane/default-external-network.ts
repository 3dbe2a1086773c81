// The external network `nubis up` makes on first start (DevStack's `public`): flat on a physical
// network mapped to a host-local bridge, router:external and the default, with a subnet without
// DHCP whose pool routers' gateways and floating IPs draw from.
import { randomUUID } from 'node:crypto';
import { now } from '../common.js';
import type { NetworkContext } from '../context.js';
import { cidrText, parseCidr } from '../ipam/ip.js';

/** Creates the configured default external network unless one by that name exists. Returns its id, or null when none is configured. */
export async function ensureDefaultExternalNetwork(ctx: NetworkContext, adminProjectId: string): Promise<string | null> {
  const { db, config, log } = ctx.deps;
  const ext = config.network.defaultExternal;
  if (!ext) return null;
  const cidr = parseCidr(ext.cidr);
  if (!cidr) throw new Error(`network.defaultExternal.cidr "${ext.cidr}" is not a CIDR`);
  const id = await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('net_network').select('id')
      .where('name', '=', ext.name).where('router_external', '=', 1).executeTakeFirst();
    if (found) return { id: found.id, created: false };
    const taken = await trx.selectFrom('net_segment').select('network_id')
      .where('segment_key', '=', `flat:${ext.physicalNetwork}`).executeTakeFirst();
    if (taken) {
      log.warn({ physicalNetwork: ext.physicalNetwork, network: taken.network_id }, 'a flat network already uses the default external physical network; not creating one');
      return { id: taken.network_id, created: false };
    }
    const at = now();
    const networkId = randomUUID();
    await trx.insertInto('net_network').values({
      id: networkId, project_id: adminProjectId, name: ext.name, description: '', created_at: at, updated_at: at, revision_number: 0,
      admin_state_up: 1, status: 'ACTIVE', shared: 0, router_external: 1, is_default: 1,
      mtu: config.network.physicalMtu, port_security_enabled: 1, availability_zone_hints: '[]',
    }).execute();
    await trx.insertInto('net_segment').values({
      network_id: networkId, network_type: 'flat', physical_network: ext.physicalNetwork, segmentation_id: null,
      segment_key: `flat:${ext.physicalNetwork}`,
    }).execute();
    // Neutron keeps router:external as an access_as_external RBAC entry to every project.
    await trx.insertInto('net_rbac_policy').values({
      id: randomUUID(), project_id: adminProjectId, object_type: 'network', object_id: networkId, action: 'access_as_external',
      target_tenant: '*', created_at: at, updated_at: at, revision_number: 0,
    }).execute();
    await trx.insertInto('net_subnet').values({
      id: randomUUID(), project_id: adminProjectId, name: `${ext.name}-subnet`, description: '', created_at: at, updated_at: at,
      revision_number: 0, network_id: networkId, ip_version: cidr.version, cidr: cidrText(cidr), gateway_ip: ext.gateway, enable_dhcp: 0,
      allocation_pools: JSON.stringify([{ start: ext.poolStart, end: ext.poolEnd }]), dns_nameservers: '[]', host_routes: '[]',
      ipv6_ra_mode: null, ipv6_address_mode: null, subnetpool_id: null,
    }).execute();
    return { id: networkId, created: true };
  });
  if (id.created) {
    log.info({ network: id.id, name: ext.name, cidr: ext.cidr }, 'created the default external network');
    ctx.sync.changed();
  }
  return id.id;
}
