// Which way the bridge chains see conntrack state on this kernel. Native bridge conntrack
// (nf_conntrack_bridge) is preferred; kernels without it (like this project's CI kernel) get the
// state from br_netfilter, which passes bridged IP packets through the ip/ip6 hooks.
import type { Logger } from '../../../platform/logger.js';
import { run } from '../../../platform/run.js';
import type { HostExec } from './host-exec.js';
import type { ConntrackMode } from './security-group-rules.js';

type Log = Pick<Logger, 'info' | 'warn'>;

const PROBE = 'table bridge nubis-probe { chain probe { ct state established accept; }; }\n';

async function modprobe(module: string, log: Log): Promise<void> {
  try {
    await run('modprobe', [module]);
  } catch (e) {
    // Built-in or absent: the probe below decides; say why in case stateful rules misbehave.
    log.warn({ module, err: (e as Error).message }, 'modprobe failed');
  }
}

export async function detectConntrackMode(exec: HostExec, log: Log): Promise<ConntrackMode> {
  await modprobe('nf_conntrack_bridge', log);
  // `nft -c` runs the transaction in the kernel and aborts it: it tells whether the rule loads.
  const native = await exec.nft(['-c', '-f', '-'], PROBE).then(() => true, () => false);
  if (native) return 'bridge';
  await modprobe('br_netfilter', log);
  try {
    await exec.sysctl('net.bridge.bridge-nf-call-iptables', '1');
    await exec.sysctl('net.bridge.bridge-nf-call-ip6tables', '1');
    log.info({ netns: exec.netns }, 'no bridge conntrack: security groups track connections through br_netfilter');
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'neither nf_conntrack_bridge nor br_netfilter: stateful security groups drop replies');
  }
  return 'br_netfilter';
}
