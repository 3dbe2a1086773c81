// Addresses and CIDRs as numbers, to check a fixed IP against a network's subnets before Nova does
// (the same rules Neutron applies: inside a subnet, not its network or IPv4 broadcast address).

export interface Ip { version: 4 | 6; value: bigint }
export interface Cidr { version: 4 | 6; network: bigint; prefix: number }

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return undefined;
  // A trailing dotted quad (::ffff:10.0.0.1) stands for the last two groups.
  let s = text;
  if (s.includes('.')) {
    const colon = s.lastIndexOf(':');
    const v4 = parseV4(s.slice(colon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, colon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left, right] = s.split('::');
  const groups = (x: string | undefined) => (x ? x.split(':') : []);
  const l = groups(left), r = groups(right);
  let all: string[];
  if (right === undefined) all = l;
  else if (l.length + r.length > 7) return undefined;
  else all = [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  if (all.length !== 8) return undefined;
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseIp(text: string): Ip | undefined {
  const s = text.trim();
  if (s.includes(':')) { const v = parseV6(s); return v === undefined ? undefined : { version: 6, value: v }; }
  const v = parseV4(s);
  return v === undefined ? undefined : { version: 4, value: v };
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits] = text.split('/');
  const ip = parseIp(addr ?? '');
  const width = ip?.version === 4 ? 32 : 128;
  const prefix = Number(bits);
  if (!ip || !/^\d+$/.test(bits ?? '') || prefix > width) return undefined;
  const host = (1n << BigInt(width - prefix)) - 1n;
  return { version: ip.version, network: ip.value & ~host, prefix };
}

const width = (c: Cidr) => (c.version === 4 ? 32 : 128);
const lastOf = (c: Cidr) => c.network | ((1n << BigInt(width(c) - c.prefix)) - 1n);

export function contains(c: Cidr, ip: Ip): boolean {
  return c.version === ip.version && ip.value >= c.network && ip.value <= lastOf(c);
}

/** Why `ip` cannot be a port's address in `c` (its network or broadcast address), or undefined. */
export function reservedIn(c: Cidr, ip: Ip): 'network' | 'broadcast' | undefined {
  if (ip.value === c.network) return 'network';
  if (c.version === 4 && c.prefix < 31 && ip.value === lastOf(c)) return 'broadcast';
  return undefined;
}

export const sameIp = (a: string, b: string): boolean => {
  const x = parseIp(a), y = parseIp(b);
  return !!x && !!y && x.version === y.version && x.value === y.value;
};
