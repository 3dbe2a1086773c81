// A network's segment: its type (vxlan, flat, local), physical network and VNI. Tenant networks get
// the lowest free VNI of config.network.vniMin..vniMax; net_segment.segment_key is unique, so two
// racing creates can never hold the same VNI or flat physical network (the loser retries or gets 409).
import type { Transaction } from 'kysely';
import type { NetworkConfig } from '../../platform/config.network.js';
import { conflict, invalidInput, neutronError } from '../common.js';
import type { NetworkTables, SegmentRow } from '../network.tables.js';

export type SegmentType = SegmentRow['network_type'];
export const VXLAN_MAX = 16777215;

/** What a create asked for under provider:* (undefined = not given). */
export interface ProviderRequest { networkType?: string; physicalNetwork?: string | null; segmentationId?: number | null }

/** Checks provider attributes as ML2 does (types: vxlan, flat, local); nothing asked = a tenant vxlan network. */
export function validateProvider(config: NetworkConfig, p: ProviderRequest): { type: SegmentType; physnet: string | null; vni: number | null } {
  const type = p.networkType ?? 'vxlan';
  const physnet = p.physicalNetwork ?? null;
  const segId = p.segmentationId ?? null;
  if (p.networkType === undefined && (physnet !== null || segId !== null)) {
    throw invalidInput('provider:network_type required');
  }
  switch (type) {
    case 'vxlan':
      if (physnet !== null) throw invalidInput('provider:physical_network specified for VXLAN network');
      if (segId !== null && (segId < 1 || segId > VXLAN_MAX)) throw invalidInput(`segmentation_id out of range (1 through ${VXLAN_MAX})`);
      return { type, physnet: null, vni: segId };
    case 'flat':
      if (segId !== null) throw invalidInput('segmentation_id specified for flat provider network');
      if (physnet === null) throw invalidInput('physical_network required for flat provider network');
      if (!(physnet in config.physicalNetworks)) throw invalidInput(`physical_network '${physnet}' unknown for flat provider network`);
      return { type, physnet, vni: null };
    case 'local':
      if (physnet !== null || segId !== null) throw invalidInput('provider:physical_network or provider:segmentation_id specified for local network');
      return { type, physnet: null, vni: null };
    default:
      throw invalidInput(`network_type value '${type}' not supported`);
  }
}

/** The largest MTU a network of this type can carry (VXLAN's IPv4 encapsulation costs 50 bytes). */
export const maxMtu = (config: NetworkConfig, type: SegmentType): number => (type === 'vxlan' ? config.physicalMtu - 50 : config.physicalMtu);

export const segmentKey = (type: SegmentType, networkId: string, physnet: string | null, vni: number | null): string =>
  type === 'vxlan' ? `vxlan:${vni}` : type === 'flat' ? `flat:${physnet}` : `local:${networkId}`;

/** The lowest VNI of the range not held by any segment; 503 NoNetworkAvailable when all are taken. */
async function lowestFreeVni(trx: Transaction<NetworkTables>, config: NetworkConfig): Promise<number> {
  const used = await trx.selectFrom('net_segment').select('segmentation_id').where('network_type', '=', 'vxlan')
    .where('segmentation_id', '>=', config.vniMin).where('segmentation_id', '<=', config.vniMax).orderBy('segmentation_id').execute();
  let candidate = config.vniMin;
  for (const u of used) {
    const v = Number(u.segmentation_id);
    if (v > candidate) break;
    if (v === candidate) candidate++;
  }
  if (candidate > config.vniMax) {
    throw neutronError(503, 'NoNetworkAvailable', 'Unable to create the network. No tenant network is available for allocation.');
  }
  return candidate;
}

/** The 409 a taken segment key means, in Neutron's words. */
export function segmentInUse(type: SegmentType, physnet: string | null, vni: number | null) {
  return type === 'flat'
    ? conflict('FlatNetworkInUse', `Unable to create the flat network. Physical network ${physnet} is in use.`)
    : conflict('TunnelIdInUse', `Unable to create the network. The tunnel ID ${vni} is in use.`);
}

/**
 * Inserts the network's segment. An explicit VNI or flat physnet already held is a 409 (checked here,
 * and by the unique key under a race); an allocated VNI that loses a race surfaces as a unique
 * violation, which the caller answers by retrying the whole transaction.
 */
export async function insertSegment(trx: Transaction<NetworkTables>, config: NetworkConfig, networkId: string,
  want: { type: SegmentType; physnet: string | null; vni: number | null }): Promise<SegmentRow> {
  const vni = want.type === 'vxlan' ? want.vni ?? await lowestFreeVni(trx, config) : null;
  const key = segmentKey(want.type, networkId, want.physnet, vni);
  if (want.type !== 'vxlan' || want.vni !== null) {
    const held = await trx.selectFrom('net_segment').select('network_id').where('segment_key', '=', key).executeTakeFirst();
    if (held) throw segmentInUse(want.type, want.physnet, vni);
  }
  const row: SegmentRow = { network_id: networkId, network_type: want.type, physical_network: want.physnet, segmentation_id: vni, segment_key: key };
  await trx.insertInto('net_segment').values(row).execute();
  return row;
}
