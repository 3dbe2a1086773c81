// Creating and deleting ports, for the port API and for other slices (router interfaces and gateways,
// floating IPs, DHCP ports, compute's ports). Everything of one port is written in one transaction.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { conflict, neutronError, notFound, now } from '../common.js';
import type { NetworkContext } from '../context.js';
import { allocatePortIps, type FixedIp } from '../ipam/fixed-ips.js';
import type { NetworkDb, NetworkTables } from '../network.tables.js';
import { checkQuota } from '../quotas/quota-check.js';
import { ensureDefaultSecurityGroup } from '../security-groups/default-group.js';
import { deleteTags } from '../tags/tags.js';
import { randomMac } from './mac-address.js';

type Trx = Transaction<NetworkTables>;

export interface PortSpec {
  networkId: string;
  /** Owner; '' for ports that belong to no project (router gateways, floating IPs, DHCP), which count against no quota. */
  projectId: string;
  name?: string;
  description?: string;
  deviceOwner?: string;
  deviceId?: string;
  /** Requested addresses (each with subnet_id and/or ip_address); undefined = one address from the network's
   *  first IPv4 subnet with room plus every SLAAC IPv6 subnet (Neutron's default); [] = no address. */
  fixedIps?: Array<{ subnet_id?: string; ip_address?: string }>;
  macAddress?: string;
  /** undefined = the project's default group when port security is on; [] = none. */
  securityGroups?: string[];
  /** undefined = the network's port_security_enabled. */
  portSecurityEnabled?: boolean;
  adminStateUp?: boolean;
  bindingHostId?: string;
  allowedAddressPairs?: Array<{ ip_address: string; mac_address?: string }>;
  /** The port API's further attributes (other callers leave them out). */
  bindingVnicType?: string;
  bindingProfile?: Record<string, unknown>;
  extraDhcpOpts?: Array<{ opt_name: string; opt_value: string | null; ip_version: 4 | 6 }>;
  dnsName?: string;
  tags?: string[];
}

export const macInUse = (networkId: string, mac: string) =>
  conflict('MacAddressInUse', `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`);
export const securityGroupsNeedPortSecurity = () => neutronError(400, 'PortSecurityAndIPRequiredForSecurityGroups',
  'Port security must be enabled and port must have an IP address in order to use security groups.');
export const addressPairsNeedPortSecurity = () => conflict('AddressPairAndPortSecurityRequired',
  'Port Security must be enabled in order to have allowed address pairs on a port.');

/** Ports owned by the network service itself (router, DHCP, floating IP): trusted, never in security groups. */
export const isNetworkOwned = (deviceOwner: string) => deviceOwner.startsWith('network:');

const wantsDefaultGroup = (spec: PortSpec) => spec.securityGroups === undefined && spec.projectId !== ''
  && spec.portSecurityEnabled !== false && !isNetworkOwned(spec.deviceOwner ?? '') && !(spec.fixedIps && spec.fixedIps.length === 0);

/** 404 SecurityGroupNotFound for the first of `ids` that does not exist. */
export async function checkGroupsExist(trx: Trx | NetworkDb, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await trx.selectFrom('net_security_group').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw notFound.securityGroup(missing);
}

/** Inserts the port row with a given or random MAC (409 MacAddressInUse for a given one that is taken). */
async function insertPortRow(ctx: NetworkContext, trx: Trx, id: string, spec: PortSpec, portSecurity: boolean): Promise<string> {
  const stamp = now();
  const host = spec.bindingHostId ?? '';
  for (let attempt = 0; ; attempt++) {
    const mac = spec.macAddress ?? randomMac(ctx.deps.config.network.baseMac);
    const res = await trx.insertInto('net_port').values({
      id, project_id: spec.projectId, name: spec.name ?? '', description: spec.description ?? '',
      created_at: stamp, updated_at: stamp, revision_number: 0,
      network_id: spec.networkId, mac_address: mac, admin_state_up: spec.adminStateUp === false ? 0 : 1,
      status: 'DOWN', status_reason: null, device_id: spec.deviceId ?? '', device_owner: spec.deviceOwner ?? '',
      binding_host_id: host, binding_vif_type: host ? 'bridge' : 'unbound', binding_vnic_type: spec.bindingVnicType ?? 'normal',
      binding_profile: JSON.stringify(spec.bindingProfile ?? {}), port_security_enabled: portSecurity ? 1 : 0,
      allowed_address_pairs: '[]', extra_dhcp_opts: JSON.stringify(spec.extraDhcpOpts ?? []), dns_name: spec.dnsName ?? '',
    }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) return mac;
    if (spec.macAddress !== undefined) throw macInUse(spec.networkId, spec.macAddress);
    if (attempt >= 16) throw conflict('MacAddressGenerationFailure', `Unable to generate unique mac on network ${spec.networkId}.`);
  }
}

/** The body of createPortRecord, inside the caller's transaction; `defaultGroup` is the project's default group if wanted. */
async function insertPort(ctx: NetworkContext, trx: Trx, spec: PortSpec, defaultGroup: string | undefined): Promise<string> {
  const network = await trx.selectFrom('net_network').select(['id', 'port_security_enabled']).where('id', '=', spec.networkId).executeTakeFirst();
  if (!network) throw notFound.network(spec.networkId);
  const portSecurity = spec.portSecurityEnabled ?? network.port_security_enabled === 1;
  if (spec.securityGroups?.length && (!portSecurity || (spec.fixedIps && spec.fixedIps.length === 0))) throw securityGroupsNeedPortSecurity();
  if (spec.allowedAddressPairs?.length && !portSecurity) throw addressPairsNeedPortSecurity();
  if (spec.securityGroups) await checkGroupsExist(trx, spec.securityGroups);
  await checkQuota(trx, ctx.deps.config.network, spec.projectId, 'port');

  const id = randomUUID();
  const mac = await insertPortRow(ctx, trx, id, spec, portSecurity);
  const ips = await allocatePortIps(trx, { networkId: spec.networkId, portId: id, mac, deviceOwner: spec.deviceOwner ?? '', requested: spec.fixedIps });
  // Security groups filter by address: a port without one cannot be in any (Neutron's rule).
  if (spec.securityGroups?.length && ips.length === 0) throw securityGroupsNeedPortSecurity();
  const pairs = (spec.allowedAddressPairs ?? []).map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? mac }));
  if (pairs.length) await trx.updateTable('net_port').set({ allowed_address_pairs: JSON.stringify(pairs) }).where('id', '=', id).execute();

  const groups = spec.securityGroups ?? (portSecurity && ips.length > 0 && defaultGroup ? [defaultGroup] : []);
  for (const g of new Set(groups)) await trx.insertInto('net_port_security_group').values({ port_id: id, security_group_id: g }).execute();
  for (const tag of new Set(spec.tags ?? [])) await trx.insertInto('net_tag').values({ resource_type: 'ports', resource_id: id, tag }).execute();
  return id;
}

/**
 * Creates a port: validates the network, subnets, addresses (409 IpAddressAlreadyAllocated, 400
 * InvalidIpForSubnet…), MAC (409 MacAddressInUse), security groups; allocates the addresses and
 * inserts everything in one transaction (a racing request never gets the same address). Checks the
 * `port` quota of `projectId` unless it is ''. Returns the new port's id. Does not call sync.changed().
 * With `trx` and a port that needs the project's default security group, that group must exist
 * already (call ensureDefaultSecurityGroup before opening the transaction).
 */
export async function createPortRecord(ctx: NetworkContext, spec: PortSpec, trx?: Transaction<NetworkTables>): Promise<string> {
  if (trx) {
    const row = wantsDefaultGroup(spec)
      ? await trx.selectFrom('net_default_security_group').select('security_group_id').where('project_id', '=', spec.projectId).executeTakeFirst()
      : undefined;
    if (wantsDefaultGroup(spec) && !row) throw new Error(`project ${spec.projectId} has no default security group yet: ensure it before the transaction`);
    return insertPort(ctx, trx, spec, row?.security_group_id);
  }
  const defaultGroup = wantsDefaultGroup(spec) ? await ensureDefaultSecurityGroup(ctx.deps, spec.projectId) : undefined;
  return ctx.deps.db.transaction().execute((t) => insertPort(ctx, t, spec, defaultGroup));
}

/** Deletes a port with its addresses, group bindings, tags; disassociates floating IPs pointing at it. Does not call sync.changed(). */
export async function deletePortRecord(ctx: NetworkContext, portId: string, trx?: Transaction<NetworkTables>): Promise<void> {
  const work = async (t: Trx) => {
    await t.updateTable('net_floating_ip')
      .set((eb) => ({ port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN', updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
      .where('port_id', '=', portId).execute();
    await t.deleteFrom('net_ip_allocation').where('port_id', '=', portId).execute();
    await t.deleteFrom('net_port_security_group').where('port_id', '=', portId).execute();
    await deleteTags(t, 'ports', portId);
    await t.deleteFrom('net_port').where('id', '=', portId).execute();
  };
  if (trx) await work(trx);
  else await ctx.deps.db.transaction().execute(work);
}

/** Fixed IPs of each of `portIds`, ordered by subnet age then address. */
export async function fixedIpsOf(db: Trx | NetworkDb, portIds: readonly string[]): Promise<Map<string, FixedIp[]>> {
  const out = new Map<string, FixedIp[]>(portIds.map((id) => [id, []]));
  for (let i = 0; i < portIds.length; i += 500) {
    const rows = await db.selectFrom('net_ip_allocation').innerJoin('net_subnet', 'net_subnet.id', 'net_ip_allocation.subnet_id')
      .select(['net_ip_allocation.port_id', 'net_ip_allocation.subnet_id', 'net_ip_allocation.ip_address'])
      .where('net_ip_allocation.port_id', 'in', portIds.slice(i, i + 500))
      .orderBy('net_subnet.created_at').orderBy('net_subnet.id').orderBy('net_ip_allocation.ip_address').execute();
    for (const r of rows) out.get(r.port_id)?.push({ subnet_id: r.subnet_id, ip_address: r.ip_address });
  }
  return out;
}

/** A port's fixed IPs, in allocation order. */
export async function portFixedIps(ctx: NetworkContext, portId: string): Promise<Array<{ subnet_id: string; ip_address: string }>> {
  return (await fixedIpsOf(ctx.deps.db, [portId])).get(portId) ?? [];
}
