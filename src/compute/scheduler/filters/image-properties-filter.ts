import type { Filter, HostState } from '../host-state.js';

// Architecture spellings images use for the same thing (Nova's obj_fields.Architecture canonicalize).
const ARCH_ALIASES: Record<string, string> = { amd64: 'x86_64', x64: 'x86_64', i386: 'i686', x86: 'i686', arm64: 'aarch64', armv8: 'aarch64' };
const canonicalArch = (a: string): string => ARCH_ALIASES[a.toLowerCase()] ?? a.toLowerCase();

/** compute_node.hypervisor_version is an integer major*1e6 + minor*1e3 + patch. */
export const versionTuple = (v: number): number[] => [Math.floor(v / 1e6), Math.floor(v / 1e3) % 1000, v % 1000];

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `>=2.11`, `<3`, `==1.0.0`, `2.5` (equal) against the host's hypervisor version; an unreadable spec never matches. */
export function versionSatisfies(hostVersion: number, requested: string): boolean {
  const m = /^\s*(>=|<=|==|!=|=|>|<)?\s*(\d+(?:\.\d+)*)\s*$/.exec(requested);
  if (!m) return false;
  const d = compareTuples(versionTuple(hostVersion), m[2]!.split('.').map(Number));
  switch (m[1] ?? '==') {
    case '>=': return d >= 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '<': return d < 0;
    case '!=': return d !== 0;
    default: return d === 0;
  }
}

function hostHvType(host: HostState): string {
  return (host.capabilities.img_hv_type ?? host.hypervisorType).toLowerCase();
}

/**
 * Nova's ImagePropertiesFilter: an image asking for an architecture, hypervisor type or hypervisor
 * version only lands on hosts that offer it. Images that ask nothing go anywhere.
 */
export const imagePropertiesFilter: Filter = {
  name: 'ImagePropertiesFilter',
  applies: (spec) => Object.keys(spec.imageProperties ?? {}).length > 0,
  passes(host, spec) {
    const p = spec.imageProperties ?? {};
    const arch = p.hw_architecture ?? p.architecture;
    if (arch) {
      const offered = host.capabilities.hw_architecture;
      if (!offered || canonicalArch(offered) !== canonicalArch(arch)) return false;
    }
    const hvType = p.img_hv_type ?? p.hypervisor_type;
    if (hvType && hostHvType(host) !== hvType.toLowerCase()) return false;
    const version = p.img_hv_requested_version;
    if (version && !versionSatisfies(host.hypervisorVersion, version)) return false;
    return true;
  },
};
