// Checks of the Networks step: a fixed IP must be an address of one of its network's subnets that a
// port may take, and a fixed IP or an existing port can serve one instance only (Nova refuses more).
import type { Translate } from '../../i18n/i18n';
import { contains, parseCidr, parseIp, reservedIn, sameIp } from './ip-check';
import type { Port, Subnet } from './launch-data';
import type { LaunchForm } from './launch-form';

export const fixedIpKey = (networkId: string) => `fixedIp-${networkId}`;

/** Why `text` cannot be the instance's address on the network, or undefined (lists not loaded yet: the cloud checks). */
export function fixedIpProblem(text: string, networkId: string, subnets: Subnet[] | undefined, ports: Port[] | undefined, t: Translate): string | undefined {
  const ip = parseIp(text);
  if (!ip) return t('{ip} is not an IP address.', { ip: text });
  if (!subnets) return undefined;
  const mine = subnets.filter((s) => s.network_id === networkId);
  const holder = mine.find((s) => { const c = parseCidr(s.cidr); return !!c && contains(c, ip); });
  if (!holder) {
    return t('{ip} is outside the subnets of this network ({cidrs}). Enter an address inside one of them, or leave the field empty.',
      { ip: text, cidrs: mine.map((s) => s.cidr).join(', ') || t('none') });
  }
  const reserved = reservedIn(parseCidr(holder.cidr)!, ip);
  if (reserved === 'network') return t('{ip} is the network address of {cidr}; choose another address.', { ip: text, cidr: holder.cidr });
  if (reserved === 'broadcast') return t('{ip} is the broadcast address of {cidr}; choose another address.', { ip: text, cidr: holder.cidr });
  if (holder.gateway_ip && sameIp(holder.gateway_ip, text)) return t('{ip} is the gateway of {cidr}; choose another address.', { ip: text, cidr: holder.cidr });
  const user = ports?.find((p) => p.network_id === networkId && p.fixed_ips.some((f) => sameIp(f.ip_address, text)));
  if (user) return t('{ip} is already used by port {port}.', { ip: text, port: user.name || user.id });
  return undefined;
}

export function nicErrors(form: LaunchForm, subnets: Subnet[] | undefined, ports: Port[] | undefined, t: Translate): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const n of form.nics) {
    if (n.kind !== 'network' || !n.fixedIp.trim()) continue;
    const problem = fixedIpProblem(n.fixedIp.trim(), n.id, subnets, ports, t);
    if (problem) errors[fixedIpKey(n.id)] = problem;
  }
  const pinned = form.nics.some((n) => n.kind === 'port' || n.fixedIp.trim());
  if (pinned && form.count > 1) errors.nics = t('A fixed IP or an existing port can serve one instance only: set the count to 1 on the Details step, or clear them.');
  return errors;
}
