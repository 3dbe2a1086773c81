// PUT /ports/{id}: every change of one port in one transaction (addresses replaced atomically, groups,
// port security, address pairs, DHCP options, binding), then a nudge to the dataplane sync.
import type { AuthContext } from '../../platform/auth-context.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { conflict, enforce, isAdmin, json, notFound, now, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import { replacePortIps } from '../ipam/fixed-ips.js';
import type { PortRow } from '../network.tables.js';
import { denied, enforceOnPort, loadVisiblePort, networkOwner } from './port-access.js';
import type { PortFields } from './port-body.js';
import { addressPairsNeedPortSecurity, fixedIpsOf, isNetworkOwned, macInUse, securityGroupsNeedPortSecurity } from './port-records.js';
import { checkUsableGroups, portViews, type PortView } from './ports.service.js';

type DhcpOpt = { opt_name: string; opt_value: string | null; ip_version: 4 | 6 };

const groupsInUse = () => conflict('PortSecurityPortHasSecurityGroup',
  'Port has security group associated. Cannot disable port security or ip address until security group is removed');

/** Neutron merges extra_dhcp_opts by name and IP version; a null value removes the option. */
function mergeDhcpOpts(current: DhcpOpt[], asked: DhcpOpt[]): DhcpOpt[] {
  const key = (o: DhcpOpt) => `${o.ip_version}|${o.opt_name}`;
  const out = new Map(current.map((o) => [key(o), o]));
  for (const o of asked) {
    if (o.opt_value === null) out.delete(key(o));
    else out.set(key(o), o);
  }
  return [...out.values()];
}

/** Policy checks of the attributes only some callers may change. */
async function checkUpdatePolicy(ctx: NetworkContext, auth: AuthContext, row: PortRow, f: PortFields): Promise<void> {
  const { deps } = ctx;
  const admin = isAdmin(deps, auth);
  const tgt = target(auth, row.project_id);
  if (f.mac_address !== undefined && f.mac_address !== row.mac_address && !admin) throw denied('update_port:mac_address');
  if (f['binding:host_id'] !== undefined) enforce(deps, auth, 'update_port:binding:host_id', tgt);
  if (f['binding:profile'] !== undefined) enforce(deps, auth, 'update_port:binding:profile', tgt);
  if (f.device_owner && isNetworkOwned(f.device_owner) && f.device_owner !== row.device_owner) enforce(deps, auth, 'create_port:device_owner:network', tgt);
  if (f.fixed_ips?.some((x) => x.ip_address !== undefined) && !admin && (await networkOwner(deps.db, row.network_id)) !== auth.projectId) {
    throw denied('update_port:fixed_ips:ip_address');
  }
  if (f.security_groups) await checkUsableGroups(ctx, auth, row.project_id, f.security_groups);
}

export async function updatePort(ctx: NetworkContext, auth: AuthContext, id: string, f: PortFields): Promise<PortView> {
  const visible = await loadVisiblePort(ctx, auth, id);
  await enforceOnPort(ctx, auth, 'update_port', visible, false);
  await checkUpdatePolicy(ctx, auth, visible, f);
  const db = ctx.deps.db;
  try {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('net_port').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound.port(id);
      const mac = f.mac_address ?? row.mac_address;
      if (mac !== row.mac_address) {
        if (row.binding_host_id !== '') {
          throw conflict('PortBound', `Unable to complete operation on port ${id}, port is already bound, port type: ${row.binding_vif_type}, old_mac ${row.mac_address}, new_mac ${mac}.`);
        }
        const taken = await trx.selectFrom('net_port').select('id').where('network_id', '=', row.network_id).where('mac_address', '=', mac).executeTakeFirst();
        if (taken) throw macInUse(row.network_id, mac);
      }
      const portSecurity = f.port_security_enabled ?? row.port_security_enabled === 1;
      const currentGroups = (await trx.selectFrom('net_port_security_group').select('security_group_id').where('port_id', '=', id).execute())
        .map((g) => g.security_group_id);
      const groups = f.security_groups ?? currentGroups;
      const pairs = f.allowed_address_pairs
        ? f.allowed_address_pairs.map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? mac }))
        : json<Array<{ ip_address: string; mac_address: string }>>(row.allowed_address_pairs, []);
      if (!portSecurity && groups.length) throw f.security_groups?.length ? securityGroupsNeedPortSecurity() : groupsInUse();
      if (!portSecurity && pairs.length) throw addressPairsNeedPortSecurity();

      if (f.fixed_ips) {
        const current = (await fixedIpsOf(trx, [id])).get(id) ?? [];
        await replacePortIps(trx, { networkId: row.network_id, portId: id, mac, deviceOwner: f.device_owner ?? row.device_owner, current, requested: f.fixed_ips });
        const left = (await fixedIpsOf(trx, [id])).get(id) ?? [];
        if (left.length === 0 && groups.length) throw f.security_groups?.length ? securityGroupsNeedPortSecurity() : groupsInUse();
        // A floating IP whose fixed address the port no longer has would NAT to nothing.
        const kept = left.map((x) => x.ip_address);
        await trx.updateTable('net_floating_ip')
          .set((eb) => ({ port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN', updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
          .where('port_id', '=', id).$if(kept.length > 0, (q) => q.where('fixed_ip_address', 'not in', kept)).execute();
      }
      const host = f['binding:host_id'] ?? row.binding_host_id;
      await trx.updateTable('net_port').set({
        name: f.name ?? row.name, description: f.description ?? row.description,
        admin_state_up: f.admin_state_up === undefined ? row.admin_state_up : f.admin_state_up ? 1 : 0,
        device_id: f.device_id ?? row.device_id, device_owner: f.device_owner ?? row.device_owner, mac_address: mac,
        binding_host_id: host, binding_vif_type: host ? 'bridge' : 'unbound',
        binding_vnic_type: f['binding:vnic_type'] ?? row.binding_vnic_type,
        binding_profile: f['binding:profile'] ? JSON.stringify(f['binding:profile']) : row.binding_profile,
        port_security_enabled: portSecurity ? 1 : 0, allowed_address_pairs: JSON.stringify(pairs),
        extra_dhcp_opts: f.extra_dhcp_opts ? JSON.stringify(mergeDhcpOpts(json<DhcpOpt[]>(row.extra_dhcp_opts, []), f.extra_dhcp_opts)) : row.extra_dhcp_opts,
        dns_name: f.dns_name ?? row.dns_name,
        updated_at: now(), revision_number: row.revision_number + 1,
      }).where('id', '=', id).execute();
      if (f.security_groups) {
        await trx.deleteFrom('net_port_security_group').where('port_id', '=', id).execute();
        for (const g of f.security_groups) await trx.insertInto('net_port_security_group').values({ port_id: id, security_group_id: g }).execute();
      }
    });
  } catch (err) {
    // A racing update took the same MAC between our check and our write (PostgreSQL).
    if (isUniqueViolation(err) && f.mac_address) throw macInUse(visible.network_id, f.mac_address);
    throw err;
  }
  ctx.sync.changed();
  const row = await db.selectFrom('net_port').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return (await portViews(db, [row], isAdmin(ctx.deps, auth)))[0]!;
}
