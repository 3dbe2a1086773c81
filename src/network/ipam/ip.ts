// IPv4 and IPv6 address arithmetic on BigInt, for CIDR validation and address allocation.
import { isIP } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  /** Network address (host bits zero). */
  network: bigint;
  prefix: number;
  /** Address bits: 32 or 128. */
  bits: number;
}

/** Parses an IPv4 or IPv6 address to a BigInt; null if not an address. */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | null {
  const v = isIP(text);
  if (v === 4) {
    const parts = text.split('.').map(Number);
    return { version: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (v === 6) {
    let t = text;
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
    const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
    if (m) {
      const n = parseIp(m[2]!)!.value;
      t = `${m[1]}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = t.includes('::') ? t.split('::') as [string, string] : [t, undefined];
    const h = head ? head.split(':') : [];
    const tl = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl];
    return { version: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
  }
  return null;
}

/** Formats a BigInt address in its canonical text (IPv6 compressed, lower case). */
export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  // The longest run of at least two zero groups becomes '::'.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Canonical text of an address (e.g. IPv6 compressed), or null if not an address. */
export function normalizeIp(text: string): string | null {
  const p = parseIp(text);
  return p ? formatIp(p.version, p.value) : null;
}

/** Parses `a.b.c.d/n` or `x::/n`. `strict`: host bits must be zero (Neutron refuses 10.0.0.1/24 as a subnet cidr). */
export function parseCidr(text: string, strict = false): Cidr | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return null;
  const ip = parseIp(m[1]!);
  if (!ip) return null;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = Number(m[2]);
  if (prefix > bits) return null;
  const mask = prefixMask(bits, prefix);
  const network = ip.value & mask;
  if (strict && network !== ip.value) return null;
  return { version: ip.version, network, prefix, bits };
}

export function prefixMask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

export const cidrText = (c: Cidr): string => `${formatIp(c.version, c.network)}/${c.prefix}`;
/** The last address of the range (the IPv4 broadcast address). */
export const lastAddress = (c: Cidr): bigint => c.network | (((1n << BigInt(c.bits)) - 1n) >> BigInt(c.prefix));
export const contains = (c: Cidr, value: bigint): boolean => value >= c.network && value <= lastAddress(c);
export const overlaps = (a: Cidr, b: Cidr): boolean => a.version === b.version && a.network <= lastAddress(b) && b.network <= lastAddress(a);
/** Does the text address lie in the cidr? */
export function cidrContains(cidr: string, address: string): boolean {
  const c = parseCidr(cidr);
  const ip = parseIp(address);
  return !!c && !!ip && c.version === ip.version && contains(c, ip.value);
}
/** Dotted netmask of an IPv4 prefix (for dnsmasq). */
export const netmask = (prefix: number): string => formatIp(4, prefixMask(32, prefix));
