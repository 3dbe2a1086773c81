// Server group policies in words (shared by the Server groups page and the launch wizard).
import type { Translate } from '../../i18n/i18n';

export type GroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
export const POLICIES: readonly GroupPolicy[] = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'];

export interface ServerGroup {
  id: string;
  name: string;
  policy: GroupPolicy;
  rules?: { max_server_per_host?: number };
  members: string[];
}

export function policyLabel(p: string, t: Translate): string {
  switch (p) {
    case 'affinity': return t('Affinity: all on one host');
    case 'anti-affinity': return t('Anti-affinity: each on a different host');
    case 'soft-affinity': return t('Soft affinity: on one host when possible');
    case 'soft-anti-affinity': return t('Soft anti-affinity: on different hosts when possible');
    default: return p;
  }
}
