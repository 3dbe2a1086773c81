// SLAAC addresses (RFC 4862): the /64 prefix followed by the modified EUI-64 interface id of the MAC,
// which is what a guest configures by itself on an IPv6 SLAAC or DHCPv6-stateless subnet.
import { formatIp, parseCidr } from './ip.js';

/** The address a host with `mac` takes by SLAAC in `cidr` (a /64), or null if the inputs do not fit. */
export function eui64Address(cidr: string, mac: string): string | null {
  const c = parseCidr(cidr);
  if (!c || c.version !== 6 || c.prefix > 64) return null;
  const octets = mac.split(/[:-]/).map((h) => parseInt(h, 16));
  if (octets.length !== 6 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  // The universal/local bit is flipped and ff:fe goes in the middle.
  const id = [octets[0]! ^ 0x02, octets[1]!, octets[2]!, 0xff, 0xfe, octets[3]!, octets[4]!, octets[5]!]
    .reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  return formatIp(6, c.network | id);
}
