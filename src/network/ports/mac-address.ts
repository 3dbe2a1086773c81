// MAC addresses of ports: validation of a given one and random ones under the configured base.
import { randomBytes } from 'node:crypto';
import { badRequest } from '../common.js';

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

/** The canonical text (lower case, colons) of a valid unicast MAC; else 400 as Neutron words it. */
export function parseMac(value: unknown, attribute = 'mac_address'): string {
  if (typeof value !== 'string' || !MAC.test(value)) throw badRequest(`Invalid input for ${attribute}. Reason: '${String(value)}' is not a valid MAC address.`);
  const mac = value.toLowerCase().replace(/-/g, ':');
  // Multicast/broadcast (low bit of the first octet) and all-zero cannot name a port.
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1 || mac === '00:00:00:00:00:00') {
    throw badRequest(`Invalid input for ${attribute}. Reason: '${value}' is not a valid MAC address.`);
  }
  return mac;
}

/** A random MAC keeping the first three octets of `baseMac` (Neutron's base_mac), as Neutron does. */
export function randomMac(baseMac: string): string {
  const prefix = baseMac.toLowerCase().split(':').slice(0, 3);
  const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'));
  return [...prefix, ...tail].join(':');
}
