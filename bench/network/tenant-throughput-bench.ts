// Dataplane benchmark (issue 5 §6, figure 1): TCP throughput between two "VMs" on two "hosts"
// through the whole tenant path (veth named as the tap → bridge → VXLAN → underlay veth → VXLAN →
// bridge → veth), with the ports in a 50-rule security group, against a bare veth pair between two
// namespaces; and, to split the cost, the same tenant path with port security off. The three are
// measured in alternating rounds in one run. Everything lives in namespaces this run creates.
//   node dist/bench/network/tenant-throughput-bench.js   (root; NUBIS_BENCH_ROUNDS / _SECONDS for a trial)
import { loadavg } from 'node:os';
import type { HostNetworkState, L2Network, SecurityGroupState, VmPort } from '../../src/agent/network/host-state.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';
import { benchDoc, fmt, isRoot, log, median } from './bench-common.js';
import { DataplaneBed, randomId, sgRule, vmPort } from './dataplane-bed.js';
import { tcpProbe, tcpRound, type RoundResult } from './tcp-round.js';

const ROUNDS = Number(process.env.NUBIS_BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.NUBIS_BENCH_SECONDS ?? 5);
const BENCH_PORT = 5201;
/** Allowed by no rule of the group. */
const CLOSED_PORT = 9;
const MTU = 1450;   // a VXLAN network on a 1500-byte underlay

/** 48 rules for ports nobody uses, egress as in every default group, and one rule for the benchmark's port. */
function benchGroup(): SecurityGroupState {
  const noise = Array.from({ length: 48 }, (_, i) => sgRule({ protocol: 'tcp', portRangeMin: 10000 + 7 * i, portRangeMax: 10000 + 7 * i + 2 }));
  const rules = [...noise, sgRule({ direction: 'egress' }), sgRule({ protocol: 'tcp', portRangeMin: BENCH_PORT, portRangeMax: BENCH_PORT })];
  return { id: randomId(), stateful: true, rules, members: [] };
}

/** What the two tenant rows say about the 50 rules, in words. */
function rulesCost(filtered: number, open: number): string {
  if (Math.abs(filtered - open) < 0.05) {
    return 'the two tenant rows are within 5 points of each other, so the 50 rules cost less than this benchmark can see, '
      + 'and the bridge and VXLAN hops cost the rest.';
  }
  return filtered < open
    ? `in this run the 50 rules cost ${fmt((1 - filtered / open) * 100)} % against the same path without them.`
    : 'the filtered pair came out ahead of the unfiltered one, which says the difference is noise.';
}

interface Arm { name: string; from: string; to: string; address: string; results: RoundResult[] }

async function main(): Promise<void> {
  if (!isRoot()) throw new Error('needs root (it creates network namespaces)');
  const bed = new DataplaneBed();
  const planes: Array<{ teardown(): Promise<void> }> = [];
  try {
    const octet = 1 + Math.floor(Math.random() * 250);
    const vtep1 = `10.202.${octet}.1`;
    const vtep2 = `10.202.${octet}.2`;
    const h1 = await bed.host('h', { localVtep: vtep1 });
    const h2 = await bed.host('h', { localVtep: vtep2 });
    planes.push(h1.dataplane, h2.dataplane);
    await bed.link(h1.ns, vtep1, h2.ns, vtep2);

    const group = benchGroup();
    const netId = randomId();
    const vni = 30000 + Math.floor(Math.random() * 10000);
    const filteredA = vmPort(netId, '10.63.0.11', [group.id], MTU);
    const filteredB = vmPort(netId, '10.63.0.12', [group.id], MTU);
    const openA = { ...vmPort(netId, '10.63.0.21', [], MTU), portSecurity: false };
    const openB = { ...vmPort(netId, '10.63.0.22', [], MTU), portSecurity: false };
    const network = (remote: string, remotePorts: VmPort[]): L2Network => ({
      id: netId, type: 'vxlan', vni, physicalNetwork: null, mtu: MTU, remoteVteps: [remote],
      remoteMacs: remotePorts.map((p) => ({ mac: p.mac, vtep: remote })),
    });
    const state = (net: L2Network, ports: VmPort[]): HostNetworkState =>
      ({ host: 'bench', networks: [net], ports, securityGroups: [group], dhcp: [], routers: [] });
    const vmA = await bed.vm('a', h1.ns, filteredA);
    const vmB = await bed.vm('b', h2.ns, filteredB);
    const vmC = await bed.vm('c', h1.ns, openA);
    const vmD = await bed.vm('d', h2.ns, openB);
    const r1 = await h1.dataplane.apply(state(network(vtep2, [filteredB, openB]), [filteredA, openA]));
    const r2 = await h2.dataplane.apply(state(network(vtep1, [filteredA, openA]), [filteredB, openB]));
    const bad = [...r1.ports, ...r2.ports].filter((p) => p.status !== 'ACTIVE');
    if (bad.length) throw new Error(`ports not wired: ${JSON.stringify(bad)}`);

    // The baseline: two namespaces and one veth, nothing else.
    const bareA = await bed.namespace('x');
    const bareB = await bed.namespace('y');
    await bed.link(bareA, '10.64.0.1', bareB, '10.64.0.2');

    const arms: Arm[] = [
      { name: 'tenant path, 50-rule security group', from: vmA, to: vmB, address: filteredB.fixedIps[0]!, results: [] },
      { name: 'tenant path, port security off', from: vmC, to: vmD, address: openB.fixedIps[0]!, results: [] },
      { name: 'bare veth pair', from: bareA, to: bareB, address: '10.64.0.2', results: [] },
    ];
    // The group is really enforced: a port outside its rules is dropped for the filtered pair and
    // refused by the far kernel for the open one.
    const filteredProbe = await tcpProbe(vmA, filteredB.fixedIps[0]!, CLOSED_PORT);
    const openProbe = await tcpProbe(vmC, openB.fixedIps[0]!, CLOSED_PORT);
    if (filteredProbe !== 'timeout' || openProbe !== 'refused') {
      throw new Error(`port ${CLOSED_PORT}: filtered pair ${filteredProbe} (expected timeout), open pair ${openProbe} (expected refused)`);
    }

    // A short unrecorded round each: ARP, FDB and conntrack settle, and the path is proven before timing.
    for (const arm of arms) await tcpRound(arm.from, arm.to, arm.address, BENCH_PORT, 1);
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates each round, so no path always runs first (or always right after another).
      for (const arm of arms.map((_, i) => arms[(i + round) % arms.length]!)) {
        const r = await tcpRound(arm.from, arm.to, arm.address, BENCH_PORT, SECONDS);
        arm.results.push(r);
        log(`round ${round + 1}/${ROUNDS} ${arm.name}: ${r.gbps.toFixed(2)} Gbit/s`);
      }
    }

    const med = arms.map((arm) => median(arm.results.map((r) => r.gbps)));
    const bareArm = arms[2]!;
    // Each round's ratio to the bare run of the same round: load that drifts over the run cancels out.
    const paired = arms.map((arm) => median(arm.results.map((r, i) => r.gbps / bareArm.results[i]!.gbps)));
    const [filtered, open] = paired as [number, number, number];
    const table = markdownTable(['path', 'median Gbit/s', 'min–max Gbit/s', '÷ bare veth (medians)', '÷ bare veth (round by round)'], arms.map((arm, i) => {
      const g = arm.results.map((r) => r.gbps);
      return [arm.name, fmt(med[i]!, 2), `${fmt(Math.min(...g), 2)}–${fmt(Math.max(...g), 2)}`, fmt(med[i]! / med[2]!, 2), fmt(paired[i]!, 2)];
    }));
    const section = [
      '## Network dataplane: TCP throughput through the tenant path',
      '',
      '`bench/network/tenant-throughput-bench.ts`: two namespaces stand in for two hosts, each running its own',
      'LinuxBridgeDataplane with a VTEP address on a veth underlay (MTU 1500) between them; "VMs" are namespaces whose',
      'veth host end carries the port\'s tap name. One VXLAN network (MTU 1450). The filtered pair\'s ports are in one',
      'stateful group of 50 rules: 48 ingress TCP rules for ports nobody uses, the egress-any rule every default group',
      `has, and one ingress rule for the benchmark's port. Path: VM-A → veth (tap) → bridge → VXLAN → underlay → VXLAN →`,
      'bridge → veth → VM-B. A second pair on the same network has port security off (the same path without the',
      'nftables filtering), and the baseline is a bare veth pair (MTU 1500) between two namespaces. Before timing, a',
      'connect to a port outside the rules is checked to be dropped on the filtered pair and refused by the far end on',
      'the open one. One TCP stream per run from a small Node sender/receiver (`bench/network/tcp-blast.ts`, 1 MiB',
      `writes; iperf3 is not a dependency; sender pinned to the first CPU and receiver to the last with taskset, the same`,
      `placement for every path), ${SECONDS} s per run; each round runs the three paths one after the other (in`,
      `rotating order), ${ROUNDS} rounds after a 1 s unrecorded run of each. Gbit/s is counted by the receiver from its first`,
      'byte to the end of the stream.',
      '',
      table,
      '',
      `Aim: issue 5 gives no number; recorded. Round by round (the median of each round's ratio to the bare run of`,
      `the same round), the tenant path with its security group keeps ${fmt(filtered * 100)} % of a bare veth's throughput, ${fmt(open * 100)} % with port`,
      `security off: ${rulesCost(filtered, open)}`,
      'The sender and receiver are Node processes on the same two cores as the kernel\'s forwarding (and as the other',
      'work on this shared machine), so the absolute figures are of this machine\'s CPU per byte, not of a NIC, and',
      'swing from round to round (see min–max) and from run to run (the ratios by several points); the ratios are the',
      'point.',
      '',
      `Machine: ${machineLine(machine())}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`,
      '(shared machine: other work ran beside it).',
      '',
      'Rerun (root): `node dist/bench/network/tenant-throughput-bench.js` (about 1.5 minutes; `NUBIS_BENCH_ROUNDS=1` for',
      'a trial, which leaves docs/BENCHMARKS.md alone).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (ROUNDS === 5 && SECONDS === 5) updateSection(benchDoc(), 'network-throughput-bench', section);
    else log('(trial size: docs/BENCHMARKS.md left unchanged)');
  } finally {
    for (const p of planes) await p.teardown().catch((e: Error) => log(`teardown: ${e.message}`));
    await bed.cleanup();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`network throughput bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
