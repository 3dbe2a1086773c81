// Allocation pools: Neutron's defaults (the whole range minus network, broadcast and gateway) and its
// checks (inside the cidr, start <= end, no overlap, gateway outside every pool).
import { conflict, neutronError } from '../common.js';
import { contains, formatIp, lastAddress, parseIp, type Cidr } from '../ipam/ip.js';

export interface Pool { start: string; end: string }
interface Range { start: bigint; end: bigint }

const text = (c: Cidr, r: Range): Pool => ({ start: formatIp(c.version, r.start), end: formatIp(c.version, r.end) });
const label = (p: Pool) => `${p.start}-${p.end}`;

/** Removes one address from ranges, splitting the range holding it. */
function without(ranges: Range[], addr: bigint): Range[] {
  return ranges.flatMap((r) => {
    if (addr < r.start || addr > r.end) return [r];
    const parts: Range[] = [];
    if (addr > r.start) parts.push({ start: r.start, end: addr - 1n });
    if (addr < r.end) parts.push({ start: addr + 1n, end: r.end });
    return parts;
  });
}

/** The usable range: IPv4 loses network and broadcast (except /31, /32); IPv6 loses the subnet-router anycast address. */
export function usableRange(c: Cidr): Range {
  const last = lastAddress(c);
  if (c.version === 4) return c.prefix >= 31 ? { start: c.network, end: last } : { start: c.network + 1n, end: last - 1n };
  return c.prefix === 128 ? { start: c.network, end: last } : { start: c.network + 1n, end: last };
}

export function defaultPools(c: Cidr, gateway: string | null): Pool[] {
  let ranges = [usableRange(c)];
  if (gateway) ranges = without(ranges, parseIp(gateway)!.value);
  return ranges.map((r) => text(c, r));
}

/** Checks asked pools against the cidr and each other; returns them in canonical text, sorted. */
export function validatePools(c: Cidr, cidrText: string, pools: Pool[]): Pool[] {
  const ranges: Range[] = [];
  for (const p of pools) {
    const s = parseIp(p.start), e = parseIp(p.end);
    if (!s || !e || s.version !== c.version || e.version !== c.version || s.value > e.value) {
      throw neutronError(400, 'InvalidAllocationPool', `The allocation pool ${label(p)} is not valid.`);
    }
    if (!contains(c, s.value) || !contains(c, e.value)) {
      throw neutronError(400, 'OutOfBoundsAllocationPool', `The allocation pool ${label(p)} spans beyond the subnet cidr ${cidrText}.`);
    }
    ranges.push({ start: s.value, end: e.value });
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.start <= ranges[i - 1]!.end) {
      throw conflict('OverlappingAllocationPools',
        `Found overlapping allocation pools: ${label(text(c, ranges[i - 1]!))} ${label(text(c, ranges[i]!))} for subnet ${cidrText}.`);
    }
  }
  return ranges.map((r) => text(c, r));
}

/** 409 GatewayConflictWithAllocationPools when the gateway lies in a pool. */
export function checkGatewayOutsidePools(gateway: string | null, pools: Pool[]): void {
  if (!gateway) return;
  const g = parseIp(gateway)!.value;
  for (const p of pools) {
    if (g >= parseIp(p.start)!.value && g <= parseIp(p.end)!.value) {
      throw conflict('GatewayConflictWithAllocationPools', `Gateway ip ${gateway} conflicts with allocation pool ${label(p)}`);
    }
  }
}
