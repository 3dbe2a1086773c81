// A router's NAT as one nftables ruleset (table `ip nubis` in the router namespace), pure text so it
// is golden-tested and applied atomically with `nft -f -`: floating IPs (DNAT in, SNAT out, before
// the general rule) and SNAT of the internal subnets to the gateway address.
import { NFT_TABLE, routerGatewayName, type RouterState } from '../host-state.js';

/** Network part of a CIDR ("10.0.0.1/24" → "10.0.0.0/24"). */
export function networkOf(cidr: string): string {
  const [addr, lenText] = cidr.split('/');
  const len = Number(lenText ?? 32);
  const parts = addr!.split('.').map(Number);
  const n = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${len}`;
}

const isV4 = (a: string): boolean => !a.includes(':');

/** The ruleset text: a create, a delete and the full table, so that one `nft -f -` replaces it atomically. */
export function routerNatRuleset(router: RouterState): string {
  const pre: string[] = [];
  const post: string[] = [];
  const gw = router.gateway;
  if (gw) {
    const gwDev = routerGatewayName(gw.portId);
    const gwAddr = gw.addresses.find(isV4)?.split('/')[0];
    for (const f of router.floatingIps.filter((f) => isV4(f.floatingIp))) {
      pre.push(`ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
      post.push(`ip saddr ${f.fixedIp} oifname "${gwDev}" snat to ${f.floatingIp}`);
    }
    if (router.floatingIps.length && gwAddr) {
      // Hairpin: an internal client reaching a floating IP of its own router is answered directly
      // by the target unless its source is rewritten too, so it would drop the reply.
      post.push(`iifname != "${gwDev}" oifname != "${gwDev}" ct status dnat snat to ${gwAddr}`);
    }
    const internal = [...new Set(router.interfaces.flatMap((l) => l.addresses.filter(isV4).map(networkOf)))];
    if (gw.snat && gwAddr && internal.length) {
      const set = `{ ${internal.join(', ')} }`;
      // Traffic between the router's own subnets keeps its addresses.
      post.push(`oifname "${gwDev}" ip saddr ${set} ip daddr != ${set} snat to ${gwAddr}`);
    }
  }
  const chain = (name: string, hook: string, prio: string, rules: string[]): string[] => [
    `  chain ${name} {`,
    `    type nat hook ${hook} priority ${prio}; policy accept;`,
    ...rules.map((r) => `    ${r}`),
    '  }',
  ];
  return [
    `table ip ${NFT_TABLE} {}`,
    `delete table ip ${NFT_TABLE}`,
    `table ip ${NFT_TABLE} {`,
    ...chain('prerouting', 'prerouting', 'dstnat', pre),
    // Packets the router itself sends to a floating IP (e.g. the metadata proxy) are DNATed too.
    ...chain('output', 'output', '-100', pre),
    ...chain('postrouting', 'postrouting', 'srcnat', post),
    '}',
    '',
  ].join('\n');
}
