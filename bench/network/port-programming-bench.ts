// Dataplane benchmark (issue 5 §6, figure 2): how long the linuxbridge dataplane takes to program a
// port whose security group has 100 rules — one apply from an empty host (fresh namespace) to the
// port wired (bridge, VXLAN device, tap, nftables table) — and the idempotent re-apply of the same
// state. Side by side, alternating, the same apply with a 1-rule group tells what the rules cost.
//   node dist/bench/network/port-programming-bench.js   (root; NUBIS_BENCH_APPLIES=3 for a trial)
import { loadavg } from 'node:os';
import type { HostNetworkState, SecurityGroupState } from '../../src/agent/network/host-state.js';
import { ingressChain } from '../../src/agent/network/linuxbridge/security-group-rules.js';
import { percentile } from '../load.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';
import { benchDoc, fmt, isRoot, log, median } from './bench-common.js';
import { DataplaneBed, ipIn, randomId, sgRule, vmPort } from './dataplane-bed.js';
import { run } from '../../src/platform/run.js';

const APPLIES = Number(process.env.NUBIS_BENCH_APPLIES ?? 10);
const MTU = 1450;
const VTEP = '10.203.0.1';

/** 100 rules as a tenant writes them: egress any, 80 single TCP ports, 19 TCP ranges from one prefix. */
function hundredRules(): SecurityGroupState {
  const rules = [sgRule({ direction: 'egress' })];
  for (let i = 0; i < 80; i++) rules.push(sgRule({ protocol: 'tcp', portRangeMin: 2000 + i, portRangeMax: 2000 + i }));
  for (let i = 0; i < 19; i++) {
    rules.push(sgRule({ protocol: 'tcp', portRangeMin: 8000 + 10 * i, portRangeMax: 8005 + 10 * i, remoteIpPrefix: `192.0.2.${i * 8}/29` }));
  }
  return { id: randomId(), stateful: true, rules, members: [] };
}

const oneRule = (): SecurityGroupState => ({ id: randomId(), stateful: true, rules: [sgRule({ direction: 'egress' })], members: [] });

function stateWith(group: SecurityGroupState): HostNetworkState {
  const netId = randomId();
  const network = {
    id: netId, type: 'vxlan' as const, vni: 40000 + Math.floor(Math.random() * 10000), physicalNetwork: null, mtu: MTU,
    remoteVteps: ['10.203.0.2'], remoteMacs: [],
  };
  const port = vmPort(netId, '10.65.0.10', [group.id], MTU);
  return { host: 'bench', networks: [network], ports: [port], securityGroups: [group], dhcp: [], routers: [] };
}

interface Sample { applyMs: number; reapplyMs: number; nftRules: number }

/** One fresh host: apply (timed), check the port is wired and its rules read back, re-apply (timed). */
async function programOnce(bed: DataplaneBed, group: SecurityGroupState): Promise<Sample> {
  const host = await bed.host('p', { localVtep: VTEP });
  try {
    await ipIn(host.ns, ['addr', 'add', `${VTEP}/32`, 'dev', 'lo']);
    await host.dataplane.conntrackMode();   // decided once per agent start, not per port: kept out of the time
    const state = stateWith(group);
    let t = performance.now();
    const first = await host.dataplane.apply(state);
    const applyMs = performance.now() - t;
    if (first.ports[0]?.status !== 'ACTIVE') throw new Error(`port not wired: ${JSON.stringify(first.ports)}`);
    const chain = await run('ip', ['netns', 'exec', host.ns, 'nft', 'list', 'chain', 'bridge', 'nubis', ingressChain(state.ports[0]!)]);
    const nftRules = chain.split('\n').filter((l) => /\b(accept|drop|jump|goto|return)\b/.test(l)).length;
    t = performance.now();
    const again = await host.dataplane.apply(state);
    const reapplyMs = performance.now() - t;
    if (again.ports[0]?.status !== 'ACTIVE') throw new Error(`re-apply broke the port: ${JSON.stringify(again.ports)}`);
    return { applyMs, reapplyMs, nftRules };
  } finally {
    await bed.drop(host.ns);
  }
}

async function main(): Promise<void> {
  if (!isRoot()) throw new Error('needs root (it creates network namespaces)');
  const bed = new DataplaneBed();
  try {
    const hundred: Sample[] = [];
    const one: Sample[] = [];
    await programOnce(bed, hundredRules());   // warm-up: the first nft and ip calls load modules and caches
    for (let i = 0; i < APPLIES; i++) {
      hundred.push(await programOnce(bed, hundredRules()));
      one.push(await programOnce(bed, oneRule()));
      log(`apply ${i + 1}/${APPLIES}: 100 rules ${hundred[i]!.applyMs.toFixed(0)} ms (re-apply ${hundred[i]!.reapplyMs.toFixed(0)} ms), `
        + `1 rule ${one[i]!.applyMs.toFixed(0)} ms`);
    }
    const row = (name: string, xs: number[], base: number): string[] => {
      const s = Float64Array.from(xs).sort();
      return [name, fmt(median(xs), 1), fmt(s[0]!, 1), fmt(percentile(s, 100), 1), fmt(median(xs) / base, 2)];
    };
    const base = median(one.map((s) => s.applyMs));
    const table = markdownTable(['apply', 'median ms', 'min ms', 'max ms', '÷ 1-rule apply'], [
      row('port with 100 rules, empty host → wired', hundred.map((s) => s.applyMs), base),
      row('… the same state again (idempotent re-apply)', hundred.map((s) => s.reapplyMs), base),
      row('port with 1 rule, empty host → wired', one.map((s) => s.applyMs), base),
      row('… the same state again', one.map((s) => s.reapplyMs), base),
    ]);
    const section = [
      '## Network dataplane: programming a port with 100 security-group rules',
      '',
      '`bench/network/port-programming-bench.ts`: each apply starts from an empty "host" (a fresh namespace with only',
      'its VTEP address, and a new LinuxBridgeDataplane whose conntrack-mode probe has already run: that happens once',
      'per agent start). The state holds one VXLAN network (one remote VTEP) and one port whose only group has 100',
      'rules (egress any, 80 single TCP ports, 19 TCP port ranges from /29 prefixes). Timed: `apply()` until it',
      'resolves with the port ACTIVE — bridge, VXLAN device and FDB, tap, and the nftables table in one transaction;',
      'the port\'s ingress chain is then read back with `nft list chain`',
      `(${fmt(median(hundred.map((s) => s.nftRules)))} rules: the group's 99 ingress rules plus the chain's fixed ones). Then the same state is applied`,
      `again (nothing to change; the nft table is replaced as a whole). ${APPLIES} fresh hosts for each group size,`,
      'alternating 100-rule and 1-rule hosts in one run, after one unrecorded warm-up apply.',
      '',
      table,
      '',
      'Aim: issue 5 gives no number; recorded. The last column is what the 99 extra rules cost; the rest of an apply is',
      'mostly the `ip`, `bridge` and `nft` processes it runs, each a fork and exec on a shared machine.',
      '',
      `Machine: ${machineLine(machine())}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`,
      '(shared machine: other work ran beside it).',
      '',
      'Rerun (root): `node dist/bench/network/port-programming-bench.js` (`NUBIS_BENCH_APPLIES=3` for a trial, which',
      'leaves docs/BENCHMARKS.md alone).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (APPLIES === 10) updateSection(benchDoc(), 'network-port-programming-bench', section);
    else log('(trial size: docs/BENCHMARKS.md left unchanged)');
  } finally {
    await bed.cleanup();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`network port programming bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
