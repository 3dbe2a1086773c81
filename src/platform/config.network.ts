// Network settings: the dataplane of this process's agent, VXLAN ranges and underlay, physical
// network mappings, the external network `nubis up` makes, quotas. From the config file's `network`
// object and NUBIS_NETWORK_*.
import { hostname } from 'node:os';

export type PhysicalNetworkMapping = { interface: string } | { bridge: string; address?: string };

export interface NetworkConfig {
  /** `linuxbridge` runs a dataplane agent in this process; `none` runs none (API-only tests, controllers). */
  dataplane: 'linuxbridge' | 'none';
  /** This machine's host name for port bindings (the compute host name). */
  host: string;
  /** Host running DHCP servers and routers (the "network node"). */
  gatewayHost: string;
  /** This host's VXLAN underlay address; null when alone. */
  localVtep: string | null;
  /** Tenant networks' VNIs are allocated from this range. */
  vniMin: number;
  vniMax: number;
  /** MTU of the underlay (physical) network; vxlan networks get 50 bytes less. */
  physicalMtu: number;
  /** MACs are generated under this prefix (first three octets used, like Neutron's base_mac). */
  baseMac: string;
  /** physical network name → host interface, or a bridge to create with an address on the host. */
  physicalNetworks: Record<string, PhysicalNetworkMapping>;
  /** The external network `nubis up` creates on first start (null: none). */
  defaultExternal: { name: string; physicalNetwork: string; cidr: string; gateway: string; poolStart: string; poolEnd: string } | null;
  /** Quota defaults (Neutron's quota_network, quota_subnet…); -1 is unlimited. */
  quotaDefaults: Record<NetworkQuotaResource, number>;
  /** DNS servers given to guests when a subnet names none (empty: none). */
  defaultDnsNameservers: string[];
}

export const NETWORK_QUOTA_RESOURCES = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group',
  'security_group_rule', 'rbac_policy', 'subnetpool'] as const;
export type NetworkQuotaResource = typeof NETWORK_QUOTA_RESOURCES[number];

export type NetworkFileConfig = Partial<Omit<NetworkConfig, 'quotaDefaults'>> & { quotaDefaults?: Partial<Record<NetworkQuotaResource, number>> };

const DEFAULTS: Omit<NetworkConfig, 'host' | 'gatewayHost'> = {
  dataplane: 'linuxbridge', localVtep: null, vniMin: 1, vniMax: 65535, physicalMtu: 1500, baseMac: 'fa:16:3e:00:00:00',
  // DevStack's br-ex: a host-local bridge with the external network's gateway address on it.
  physicalNetworks: { public: { bridge: 'nbr-public', address: '172.24.4.1/24' } },
  defaultExternal: { name: 'public', physicalNetwork: 'public', cidr: '172.24.4.0/24', gateway: '172.24.4.1', poolStart: '172.24.4.10', poolEnd: '172.24.4.254' },
  quotaDefaults: { network: 100, subnet: 100, port: 500, router: 10, floatingip: 50, security_group: 10, security_group_rule: 100, rbac_policy: 10, subnetpool: -1 },
  defaultDnsNameservers: [],
};

export function loadNetworkConfig(file: NetworkFileConfig = {}, env: NodeJS.ProcessEnv = process.env, computeHost = hostname()): NetworkConfig {
  const merged: NetworkConfig = {
    ...DEFAULTS, host: computeHost, gatewayHost: file.host ?? computeHost, ...file,
    quotaDefaults: { ...DEFAULTS.quotaDefaults, ...(file.quotaDefaults ?? {}) },
  };
  if (env.NUBIS_NETWORK_DATAPLANE) merged.dataplane = env.NUBIS_NETWORK_DATAPLANE as NetworkConfig['dataplane'];
  if (env.NUBIS_NETWORK_LOCAL_VTEP) merged.localVtep = env.NUBIS_NETWORK_LOCAL_VTEP;
  if (!['linuxbridge', 'none'].includes(merged.dataplane)) throw new Error(`network.dataplane must be linuxbridge or none, got "${merged.dataplane}"`);
  if (!(Number.isInteger(merged.vniMin) && Number.isInteger(merged.vniMax) && merged.vniMin >= 1 && merged.vniMax <= 16777215 && merged.vniMin <= merged.vniMax)) {
    throw new Error(`network.vniMin..vniMax must be a range within 1..16777215, got ${merged.vniMin}..${merged.vniMax}`);
  }
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(merged.baseMac)) throw new Error(`network.baseMac "${merged.baseMac}" is not a MAC address`);
  if (!(merged.physicalMtu >= 1280 && merged.physicalMtu <= 9216)) throw new Error(`network.physicalMtu must be within 1280..9216`);
  for (const [name, m] of Object.entries(merged.physicalNetworks)) {
    const dev = 'interface' in m ? m.interface : m.bridge;
    if (typeof dev !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(dev)) throw new Error(`network.physicalNetworks.${name}: an interface or bridge name is required`);
  }
  return merged;
}
