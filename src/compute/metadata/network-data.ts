// network_data.json as Nova writes it (config drive and metadata service alike): one link per
// port, one network entry per fixed IP, the DNS servers as services. A pure function of the
// ports, so the two places that serve it cannot differ.
import { netmask } from '../../network/ipam/ip.js';

export interface NetworkDataSubnet {
  id: string;
  ipVersion: 4 | 6;
  cidr: string;
  gatewayIp: string | null;
  enableDhcp: boolean;
  dnsNameservers: string[];
  hostRoutes: Array<{ destination: string; nexthop: string }>;
}

export interface NetworkDataPort {
  id: string;
  /** The tap the guest's NIC sits on (Nova names the link after its device). */
  tap: string;
  mac: string;
  mtu: number;
  networkId: string;
  fixedIps: Array<{ ip: string; subnet: NetworkDataSubnet }>;
}

const splitCidr = (cidr: string): { network: string; prefix: number } => {
  const [network, prefix] = cidr.split('/');
  return { network: network!, prefix: Number(prefix) };
};

/** IPv4 netmasks dotted, IPv6 ones as the prefix written as Nova does (ffff:…). */
function maskOf(version: 4 | 6, prefix: number): string {
  if (version === 4) return netmask(prefix);
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    groups.push((((0xffff << (16 - bits)) & 0xffff) >>> 0).toString(16));
  }
  return groups.join(':');
}

function routesOf(subnet: NetworkDataSubnet) {
  const any = subnet.ipVersion === 4 ? { network: '0.0.0.0', netmask: '0.0.0.0' } : { network: '::', netmask: '::' };
  const routes = subnet.gatewayIp ? [{ ...any, gateway: subnet.gatewayIp }] : [];
  for (const r of subnet.hostRoutes) {
    const { network, prefix } = splitCidr(r.destination);
    routes.push({ network, netmask: maskOf(subnet.ipVersion, prefix), gateway: r.nexthop });
  }
  return routes;
}

const dns = (servers: string[]) => servers.map((address) => ({ type: 'dns', address }));

export function networkData(ports: NetworkDataPort[]): { links: unknown[]; networks: unknown[]; services: unknown[] } {
  const links = ports.map((p) => ({ id: p.tap, vif_id: p.id, type: 'bridge', mtu: p.mtu, ethernet_mac_address: p.mac }));
  const networks: unknown[] = [];
  const services = new Map<string, { type: string; address: string }>();
  for (const p of ports) {
    for (const { ip, subnet } of p.fixedIps) {
      const { prefix } = splitCidr(subnet.cidr);
      // DHCP-enabled subnets are `ipv4_dhcp` (the guest asks DHCP); the static details stay beside
      // for readers that configure addresses themselves.
      networks.push({
        id: `network${networks.length}`,
        type: subnet.enableDhcp ? `ipv${subnet.ipVersion}_dhcp` : `ipv${subnet.ipVersion}`,
        link: p.tap,
        ip_address: ip,
        netmask: maskOf(subnet.ipVersion, prefix),
        routes: routesOf(subnet),
        network_id: p.networkId,
        services: dns(subnet.dnsNameservers),
      });
      for (const s of dns(subnet.dnsNameservers)) services.set(s.address, s);
    }
  }
  return { links, networks, services: [...services.values()] };
}
