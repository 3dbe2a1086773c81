// One dnsmasq per DHCP namespace, daemonized so it outlives the agent, found again by its pid file.
// A change of reservations or options is a rewrite plus SIGHUP (dnsmasq re-reads its hosts and
// options files); only a changed conf costs a restart.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DhcpServer } from '../host-state.js';
import { dnsmasqConf, dnsmasqHosts, dnsmasqOpts, type DhcpPaths } from './dhcp-config.js';
import { livePid, nsExec, stopDaemon } from './namespaces.js';

export type DnsmasqChange = 'unchanged' | 'reloaded' | 'started';

/** Writes the files and makes the running dnsmasq match them; resolves with what it had to do. */
export async function ensureDnsmasq(server: DhcpServer, p: DhcpPaths): Promise<{ pid: number; change: DnsmasqChange }> {
  await mkdir(p.dir, { recursive: true, mode: 0o755 });
  // dnsmasq drops to `nobody` and re-reads its hosts/opts files as nobody on SIGHUP: if the state
  // dir is closed to others it must stay root, or a reload would silently keep the old reservations.
  const asRoot = !(await traversableByOthers(p.dir));
  const confChanged = await writeIfChanged(p.conf, dnsmasqConf(server, p) + (asRoot ? 'user=root\n' : ''));
  const hostsChanged = await writeIfChanged(p.hosts, dnsmasqHosts(server));
  const optsChanged = await writeIfChanged(p.opts, dnsmasqOpts(server));
  const running = await livePid(p.pid, p.conf);
  if (running !== undefined && !confChanged) {
    if (!hostsChanged && !optsChanged) return { pid: running, change: 'unchanged' };
    process.kill(running, 'SIGHUP');
    return { pid: running, change: 'reloaded' };
  }
  if (running !== undefined) await stopDaemon(p.pid, p.conf);
  // dnsmasq forks, writes its pid file and exits: the daemon is not our child and keeps running.
  await nsExec(server.namespace, 'dnsmasq', [`--conf-file=${p.conf}`]);
  const pid = await waitPid(p);
  return { pid, change: 'started' };
}

export async function stopDnsmasq(p: DhcpPaths): Promise<void> {
  await stopDaemon(p.pid, p.conf);
}

async function waitPid(p: DhcpPaths): Promise<number> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const pid = await livePid(p.pid, p.conf);
    if (pid !== undefined) return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = await readFile(p.log, 'utf8').catch(() => '');
  throw new Error(`dnsmasq did not start: ${log.trim().split('\n').slice(-2).join(' ') || 'no pid file'}`);
}

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await writeFile(path, text, { mode: 0o644 });
  return true;
}

async function traversableByOthers(dir: string): Promise<boolean> {
  for (let d = dir; ; d = dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}
