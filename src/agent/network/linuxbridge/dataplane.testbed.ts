// Test scaffolding for the L2 dataplane tests: namespaces standing in for hosts (each running its
// own LinuxBridgeDataplane), and "VMs" as namespaces joined by a veth whose host end carries the
// port's tap name, so the dataplane wires it like a tap. Every namespace has an `nb` name with a
// random suffix and is removed by name in cleanup().
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../platform/run.js';
import type { DataplaneOptions, SecurityGroupRuleState, SecurityGroupState, VmPort } from '../host-state.js';
import { tapName } from '../host-state.js';
import { LinuxBridgeDataplane } from './linuxbridge-dataplane.js';

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const randomMac = (): string => `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
/** A UUID-shaped id whose first 11 characters are random, so device names never collide. */
export const randomId = (): string => {
  const h = randomHex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export const ipIn = (ns: string, args: string[]): Promise<string> => run('ip', ['-n', ns, ...args]);
export const execIn = (ns: string, cmd: string, args: string[], input?: string): Promise<string> =>
  run('ip', ['netns', 'exec', ns, cmd, ...args], input === undefined ? {} : { input });

export function rule(partial: Partial<SecurityGroupRuleState>): SecurityGroupRuleState {
  return {
    id: randomId(), direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null,
    remoteIpPrefix: null, remoteGroupId: null, ...partial,
  };
}

export function group(id: string, rules: SecurityGroupRuleState[], members: string[] = [], stateful = true): SecurityGroupState {
  return { id, stateful, rules, members };
}

export function vmPort(networkId: string, ip: string, securityGroupIds: string[], mtu = 1450): VmPort {
  const id = randomId();
  return {
    id, tap: tapName(id), networkId, mac: randomMac(), fixedIps: [ip], adminStateUp: true, portSecurity: true,
    allowedAddressPairs: [], securityGroupIds, mtu,
  };
}

export class L2Testbed {
  readonly tag = randomHex(3);
  protected readonly namespaces: string[] = [];
  protected readonly dirs: string[] = [];
  protected count = 0;

  /** `kind`: one letter after `nbns-` telling whose namespaces these are (t: tests, b: benchmarks). */
  constructor(private readonly kind = 't') {}

  /** A fresh namespace with lo up; `role` keeps names readable (the whole name stays ≤ 15 characters). */
  async namespace(role: string): Promise<string> {
    const name = `nbns-${this.kind}${this.tag}${role}${(this.count++).toString(36)}`;
    if (name.length > 15) throw new Error(`namespace name ${name} is longer than 15 characters`);
    await run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await ipIn(name, ['link', 'set', 'lo', 'up']);
    return name;
  }

  /** A host namespace and a dataplane running in it. */
  async host(role: string, opts: Partial<DataplaneOptions> = {}): Promise<{ ns: string; dataplane: LinuxBridgeDataplane }> {
    const ns = await this.namespace(role);
    const stateDir = await mkdtemp(join(tmpdir(), `nb${this.kind}-dataplane-`));
    this.dirs.push(stateDir);
    const dataplane = new LinuxBridgeDataplane(
      { localVtep: null, physicalNetworks: {}, stateDir, metadataSocket: join(stateDir, 'metadata.sock'), ...opts },
      { netns: ns },
    );
    return { ns, dataplane };
  }

  /** A VM namespace whose eth0 has the port's MAC and address (none when prefixLen is null: DHCP); the host end is named like its tap. */
  async vm(role: string, hostNs: string, port: VmPort, prefixLen: number | null = 24): Promise<string> {
    const ns = await this.namespace(role);
    await ipIn(hostNs, ['link', 'add', port.tap, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await ipIn(ns, ['link', 'set', 'eth0', 'address', port.mac, 'mtu', String(port.mtu), 'up']);
    if (prefixLen !== null) await ipIn(ns, ['addr', 'add', `${port.fixedIps[0]}/${prefixLen}`, 'dev', 'eth0']);
    return ns;
  }

  async cleanup(): Promise<void> {
    for (const ns of this.namespaces.reverse()) await run('ip', ['netns', 'delete', ns]).catch(() => undefined);
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** One ping; true when answered. */
export async function pings(fromNs: string, address: string, waitSeconds = 1): Promise<boolean> {
  return execIn(fromNs, 'ping', ['-c', '1', '-W', String(waitSeconds), address]).then(() => true, () => false);
}

/** Pings until answered (ARP and a loaded machine may need a few tries) or the deadline passes. */
export async function eventuallyPings(fromNs: string, address: string, timeoutMs = 20000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) if (await pings(fromNs, address)) return true;
  return false;
}

/** Pings a few times, each with a generous wait; true if none is answered. */
export async function neverPings(fromNs: string, address: string, tries = 3): Promise<boolean> {
  for (let i = 0; i < tries; i++) if (await pings(fromNs, address, 2)) return false;
  return true;
}
