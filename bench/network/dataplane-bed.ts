// Namespaces the dataplane benchmarks stand on: "hosts" each running a LinuxBridgeDataplane, an
// underlay veth between two of them, "VMs" as namespaces whose veth host end carries the port's tap
// name (the dataplane wires it as it would a tap), and bare veth pairs for the baseline. Every name
// starts with `nb` and carries a random tag; cleanup() removes them by name (and the state dirs).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxBridgeDataplane } from '../../src/agent/network/linuxbridge/linuxbridge-dataplane.js';
import type { DataplaneOptions, SecurityGroupRuleState, VmPort } from '../../src/agent/network/host-state.js';
import { tapName } from '../../src/agent/network/host-state.js';
import { run } from '../../src/platform/run.js';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const randomMac = (): string => `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
/** A UUID-shaped id whose first 11 characters are random, so the device names it gives never collide. */
export function randomId(): string {
  const h = hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const ipIn = (ns: string, args: string[]): Promise<string> => run('ip', ['-n', ns, ...args]);

export function sgRule(partial: Partial<SecurityGroupRuleState>): SecurityGroupRuleState {
  return {
    id: randomId(), direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null,
    remoteIpPrefix: null, remoteGroupId: null, ...partial,
  };
}

export function vmPort(networkId: string, ip: string, securityGroupIds: string[], mtu: number): VmPort {
  const id = randomId();
  return {
    id, tap: tapName(id), networkId, mac: randomMac(), fixedIps: [ip], adminStateUp: true, portSecurity: true,
    allowedAddressPairs: [], securityGroupIds, mtu,
  };
}

export class DataplaneBed {
  readonly tag = hex(3);
  private readonly namespaces: string[] = [];
  private readonly dirs: string[] = [];
  private count = 0;

  /** A fresh namespace with lo up; `role` keeps names readable (the whole name stays ≤ 15 characters). */
  async namespace(role: string): Promise<string> {
    const name = `nbns-b${this.tag}${role}${(this.count++).toString(36)}`;
    if (name.length > 15) throw new Error(`namespace name ${name} is longer than 15 characters`);
    await run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await ipIn(name, ['link', 'set', 'lo', 'up']);
    return name;
  }

  /** A host namespace with its own dataplane (and state dir). */
  async host(role: string, opts: Partial<DataplaneOptions> = {}): Promise<{ ns: string; dataplane: LinuxBridgeDataplane }> {
    const ns = await this.namespace(role);
    const stateDir = await mkdtemp(join(tmpdir(), 'nbbench-dp-'));
    this.dirs.push(stateDir);
    const dataplane = new LinuxBridgeDataplane(
      { localVtep: null, physicalNetworks: {}, stateDir, metadataSocket: join(stateDir, 'metadata.sock'), ...opts },
      { netns: ns },
    );
    return { ns, dataplane };
  }

  /** A veth between two namespaces with an address at each end (`a` and `b` are /24 addresses). */
  async link(nsA: string, a: string, nsB: string, b: string, mtu = 1500): Promise<void> {
    const n = (this.count++).toString(36);
    const devA = `nbu-${this.tag}a${n}`;
    const devB = `nbu-${this.tag}b${n}`;
    await ipIn(nsA, ['link', 'add', devA, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', devB, 'mtu', String(mtu), 'netns', nsB]);
    await ipIn(nsA, ['addr', 'add', `${a}/24`, 'dev', devA]);
    await ipIn(nsB, ['addr', 'add', `${b}/24`, 'dev', devB]);
    await ipIn(nsA, ['link', 'set', devA, 'up']);
    await ipIn(nsB, ['link', 'set', devB, 'up']);
  }

  /** A VM namespace: eth0 with the port's MAC, MTU and address; its peer in the host is named like the tap. */
  async vm(role: string, hostNs: string, port: VmPort): Promise<string> {
    const ns = await this.namespace(role);
    await ipIn(hostNs, ['link', 'add', port.tap, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await ipIn(ns, ['link', 'set', 'eth0', 'address', port.mac, 'mtu', String(port.mtu), 'up']);
    await ipIn(ns, ['addr', 'add', `${port.fixedIps[0]}/24`, 'dev', 'eth0']);
    return ns;
  }

  /** Deletes one namespace now (the ones made per round in a loop). */
  async drop(ns: string): Promise<void> {
    await run('ip', ['netns', 'delete', ns]);
    this.namespaces.splice(this.namespaces.indexOf(ns), 1);
  }

  async cleanup(): Promise<void> {
    for (const ns of this.namespaces.reverse()) await run('ip', ['netns', 'delete', ns]).catch(() => undefined);
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true });
  }
}
