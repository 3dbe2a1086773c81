// Namespaces the dataplane benchmarks stand on: the dataplane tests' testbed ("hosts" each running a
// LinuxBridgeDataplane, "VMs" whose veth host end carries the port's tap name), plus an underlay veth
// between two namespaces and the removal of one namespace mid-run. Names start with `nbns-b`.
import { L2Testbed, ipIn } from '../../src/agent/network/linuxbridge/dataplane.testbed.js';
import { run } from '../../src/platform/run.js';

export { ipIn, randomId, rule as sgRule, vmPort } from '../../src/agent/network/linuxbridge/dataplane.testbed.js';

export class DataplaneBed extends L2Testbed {
  constructor() { super('b'); }

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

  /** Deletes one namespace now (the ones made per round in a loop). */
  async drop(ns: string): Promise<void> {
    await run('ip', ['netns', 'delete', ns]);
    this.namespaces.splice(this.namespaces.indexOf(ns), 1);
  }
}
