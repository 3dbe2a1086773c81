// The "Rule" presets of the Add rule dialog and the checks on what the user typed.
import type { Translate } from '../../i18n/i18n';

export type PresetId = 'custom-tcp' | 'custom-udp' | 'custom-icmp' | 'all-tcp' | 'all-udp' | 'all-icmp' | 'ssh' | 'http' | 'https' | 'any';
export interface Preset { id: PresetId; label: string; protocol: string | null; port?: number; custom?: 'ports' | 'icmp' }
export const PRESETS: Preset[] = [
  { id: 'custom-tcp', label: 'Custom TCP', protocol: 'tcp', custom: 'ports' },
  { id: 'custom-udp', label: 'Custom UDP', protocol: 'udp', custom: 'ports' },
  { id: 'custom-icmp', label: 'Custom ICMP', protocol: 'icmp', custom: 'icmp' },
  { id: 'all-tcp', label: 'All TCP', protocol: 'tcp' },
  { id: 'all-udp', label: 'All UDP', protocol: 'udp' },
  { id: 'all-icmp', label: 'All ICMP', protocol: 'icmp' },
  { id: 'ssh', label: 'SSH (22)', protocol: 'tcp', port: 22 },
  { id: 'http', label: 'HTTP (80)', protocol: 'tcp', port: 80 },
  { id: 'https', label: 'HTTPS (443)', protocol: 'tcp', port: 443 },
  { id: 'any', label: 'Any protocol', protocol: null },
];

/** Port range min/max from the "Port or range" field, or an error message. */
export function parsePorts(text: string, kind: 'ports' | 'icmp', t: Translate): { min: number | null; max: number | null } | string {
  const s = text.trim();
  if (kind === 'icmp') {
    // ICMP: "type" or "type/code"; blank = any type.
    if (!s) return { min: null, max: null };
    const m = /^(\d{1,3})(?:\s*\/\s*(\d{1,3}))?$/.exec(s);
    if (!m) return t('Write an ICMP type, or type/code (e.g. 8/0).');
    const type = Number(m[1]), code = m[2] === undefined ? null : Number(m[2]);
    if (type > 255 || (code !== null && code > 255)) return t('ICMP type and code are from 0 to 255.');
    return { min: type, max: code };
  }
  if (!s) return t('Enter a port (e.g. 8080) or a range (e.g. 8000-8100).');
  const m = /^(\d{1,5})(?:\s*[-–:]\s*(\d{1,5}))?$/.exec(s);
  if (!m) return t('Enter a port (e.g. 8080) or a range (e.g. 8000-8100).');
  const min = Number(m[1]), max = m[2] === undefined ? min : Number(m[2]);
  if (min < 1 || max > 65535 || min > 65535) return t('Ports are from 1 to 65535.');
  if (min > max) return t('The start of the range ({min}) is above its end ({max}).', { min, max });
  return { min, max };
}

/** How a rule's port range reads in the table. */
export function portText(protocol: string | null, min: number | null, max: number | null, t: Translate): string {
  if (protocol === 'icmp' || protocol === 'ipv6-icmp' || protocol === '1' || protocol === '58') {
    if (min === null) return t('Any');
    return max === null ? `${t('type')} ${min}` : `${t('type')} ${min} / ${t('code')} ${max}`;
  }
  if (min === null && max === null) return t('Any');
  return min === max ? String(min) : `${min}–${max}`;
}
