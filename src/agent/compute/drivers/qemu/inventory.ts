// What this host offers: CPUs, memory and the state dir's filesystem, plus QEMU's version.
import { statfsSync } from 'node:fs';
import { cpus, networkInterfaces, totalmem } from 'node:os';
import type { HostInventory } from '../../driver.js';
import { exec } from './exec.js';
import { GIB } from './disks.js';

/** "QEMU emulator version 7.2.22 (…)" → 7002022, the integer Nova reports as hypervisor_version. */
export function parseQemuVersion(text: string): number {
  const m = /version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`cannot read the QEMU version from "${text.split('\n')[0]}"`);
  return Number(m[1]) * 1_000_000 + Number(m[2]) * 1000 + Number(m[3] ?? 0);
}

function hostIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function hostInventory(stateDir: string): Promise<HostInventory> {
  const cpuList = cpus();
  const fs = statfsSync(stateDir);
  return {
    vcpus: cpuList.length,
    memoryMb: Math.floor(totalmem() / (1024 * 1024)),
    localGb: Math.floor((fs.blocks * fs.bsize) / GIB),
    freeDiskGb: Math.floor((fs.bavail * fs.bsize) / GIB),
    hypervisorType: 'QEMU',
    hypervisorVersion: parseQemuVersion(await exec('qemu-system-x86_64', ['--version'])),
    hostIp: hostIp(),
    // The shape of Nova's cpu_info (libvirt driver), which os-hypervisors shows as is.
    cpuInfo: {
      arch: 'x86_64',
      model: cpuList[0]?.model ?? 'unknown',
      vendor: /AMD/i.test(cpuList[0]?.model ?? '') ? 'AMD' : 'Intel',
      topology: { sockets: 1, cores: cpuList.length, threads: 1 },
      features: [],
    },
    capabilities: { hw_architecture: 'x86_64', img_hv_type: 'qemu' },
  };
}
