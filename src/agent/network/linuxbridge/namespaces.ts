// Network namespaces of the L3 half (DHCP and router namespaces), the veth legs that join them to a
// bridge, and the daemons that live in them (found again by pid file, so they outlive the agent).
import { readFile, rm } from 'node:fs/promises';
import { run } from '../../../platform/run.js';
import { hostExec, parseJsonList } from './host-exec.js';

/** `ip` in a namespace (undefined: the host, or whatever namespace stands in for it). */
export const ip = (ns: string | undefined, args: readonly string[]): Promise<string> => hostExec(ns).ip(args);

export async function ipJson<T>(ns: string | undefined, args: readonly string[]): Promise<T[]> {
  return parseJsonList<T>(await ip(ns, ['-j', ...args]));
}

/** Runs a command inside a namespace. */
export function nsExec(ns: string, cmd: string, args: readonly string[], input?: string): Promise<string> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input === undefined ? {} : { input });
}

export async function listNamespaces(prefix: string): Promise<string[]> {
  const list = await ipJson<{ name: string }>(undefined, ['netns', 'list']);
  return list.map((n) => n.name).filter((n) => n.startsWith(prefix));
}

/** Creates the namespace if missing, with its loopback up. */
export async function ensureNamespace(name: string): Promise<void> {
  if ((await listNamespaces(name)).includes(name)) return;
  // Another apply may have raced us: "File exists" means it is there.
  await ip(undefined, ['netns', 'add', name]).catch((e: Error) => {
    if (!/exists/i.test(e.message)) throw e;
  });
  await ip(name, ['link', 'set', 'lo', 'up']);
}

export async function deleteNamespace(name: string): Promise<void> {
  await ip(undefined, ['netns', 'delete', name]).catch((e: Error) => {
    if (!/No such file|not found|Cannot find/i.test(e.message)) throw e;
  });
}

interface LinkInfo { ifname: string; address?: string; mtu?: number; master?: string; operstate?: string; flags?: string[] }

export async function listLinks(ns: string | undefined): Promise<LinkInfo[]> {
  return ipJson<LinkInfo>(ns, ['link', 'show']);
}

/** One device, or undefined when it does not exist (a single query: hosts may have thousands of links). */
async function linkInfo(ns: string | undefined, dev: string): Promise<LinkInfo | undefined> {
  try {
    return (await ipJson<LinkInfo>(ns, ['link', 'show', 'dev', dev]))[0];
  } catch (e) {
    if (/does not exist|Cannot find/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

export async function deleteLink(ns: string | undefined, dev: string): Promise<void> {
  await ip(ns, ['link', 'delete', dev]).catch((e: Error) => {
    if (!/Cannot find|does not exist/i.test(e.message)) throw e;
  });
}

export interface VethLeg {
  /** Namespace of the host end (undefined: the host). */
  hostNs: string | undefined;
  hostDev: string;
  bridge: string;
  /** The namespace the other end lives in, its name there, MAC and addresses with prefix. */
  ns: string;
  nsDev: string;
  mac: string;
  addresses: string[];
  mtu: number;
  up: boolean;
}

/**
 * Converges one veth leg: both ends exist, the host end is in the bridge, the namespace end has the
 * MAC, MTU and exactly these addresses; both ends up (or the namespace end down when !up).
 */
export async function ensureVethLeg(leg: VethLeg): Promise<void> {
  const inNs = await linkInfo(leg.ns, leg.nsDev);
  const onHost = await linkInfo(leg.hostNs, leg.hostDev);
  if (!inNs || !onHost) {
    // A half-present pair (one end lost) is rebuilt whole.
    if (inNs) await deleteLink(leg.ns, leg.nsDev);
    if (onHost) await deleteLink(leg.hostNs, leg.hostDev);
    await ip(leg.hostNs, ['link', 'add', leg.hostDev, 'mtu', String(leg.mtu), 'type', 'veth',
      'peer', 'name', leg.nsDev, 'mtu', String(leg.mtu), 'address', leg.mac, 'netns', leg.ns]);
  } else {
    if (inNs.address?.toLowerCase() !== leg.mac.toLowerCase()) await ip(leg.ns, ['link', 'set', leg.nsDev, 'address', leg.mac]);
    if (inNs.mtu !== leg.mtu) await ip(leg.ns, ['link', 'set', leg.nsDev, 'mtu', String(leg.mtu)]);
    if (onHost.mtu !== leg.mtu) await ip(leg.hostNs, ['link', 'set', leg.hostDev, 'mtu', String(leg.mtu)]);
  }
  // Fresh pairs (no info) get every step; existing ones only what differs, to keep applies cheap.
  if (onHost?.master !== leg.bridge) await ip(leg.hostNs, ['link', 'set', leg.hostDev, 'master', leg.bridge]);
  if (!isUp(onHost)) await ip(leg.hostNs, ['link', 'set', leg.hostDev, 'up']);
  await syncAddresses(leg.ns, leg.nsDev, leg.addresses);
  if (!inNs || isUp(inNs) !== leg.up) await ip(leg.ns, ['link', 'set', leg.nsDev, leg.up ? 'up' : 'down']);
}

const isUp = (l: LinkInfo | undefined): boolean => l?.flags?.includes('UP') ?? false;

interface AddrInfo { ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number; scope: string }> }

/** Gives a device exactly these global addresses (CIDR notation), leaving link-local ones alone. */
export async function syncAddresses(ns: string | undefined, dev: string, wanted: string[]): Promise<void> {
  const [info] = await ipJson<AddrInfo>(ns, ['addr', 'show', 'dev', dev]);
  const have = new Set((info?.addr_info ?? [])
    .filter((a) => a.scope !== 'link' && a.scope !== 'host')
    .map((a) => `${a.local}/${a.prefixlen}`));
  const want = new Set(wanted.map(normaliseCidr));
  for (const a of have) if (!want.has(a)) await ip(ns, ['addr', 'del', a, 'dev', dev]);
  // nodad: an address that waits for duplicate detection cannot be bound to for a second or two.
  for (const a of want) {
    if (!have.has(a)) await ip(ns, ['addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])]);
  }
}

/** "10.0.0.1" → "10.0.0.1/32"; IPv6 in the compressed lower-case form `ip` prints ("2001:DB8:0::1" → "2001:db8::1"). */
export function normaliseCidr(a: string): string {
  const [addr, len] = a.split('/') as [string, string | undefined];
  if (!addr.includes(':')) return `${addr}/${len ?? 32}`;
  let compressed = addr.toLowerCase();
  try { compressed = new URL(`http://[${addr}]/`).hostname.slice(1, -1); } catch { /* left for `ip` to refuse */ }
  return `${compressed}/${len ?? 128}`;
}

// --- daemons living in namespaces -------------------------------------------------------------

/**
 * The pid in a pid file if that process still runs and its command line contains every marker (so
 * a recycled pid is never mistaken for our daemon); undefined otherwise.
 */
export async function livePid(pidFile: string, markers: string | string[]): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  return [markers].flat().every((m) => args.some((arg) => arg.includes(m))) ? pid : undefined;
}

/** Stops the daemon named by a pid file (checked as in livePid) and waits until it is gone. */
export async function stopDaemon(pidFile: string, markers: string | string[]): Promise<void> {
  const pid = await livePid(pidFile, markers);
  if (pid !== undefined) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    if (!(await waitGone(pid, 5000))) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      await waitGone(pid, 5000);
    }
  }
  await rm(pidFile, { force: true });
}

/**
 * Stops the daemons of ours (dnsmasq, metadata proxy) that run in one of our namespaces whose pid
 * files are lost (state dir wiped): otherwise they would keep the deleted namespace alive.
 */
export async function stopNamespaceDaemons(ns: string): Promise<void> {
  const pids = (await ip(undefined, ['netns', 'pids', ns]).catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const ours = args[0]?.endsWith('dnsmasq') || args.some((a) => a.endsWith('/metadata-proxy.js'));
    if (!ours) continue;
    try { process.kill(pid, 'SIGTERM'); } catch { continue; }
    await waitGone(pid, 5000);
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // A zombie (state Z) has exited; its parent (not us once the agent restarted) reaps it.
    if (!stat || /^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
