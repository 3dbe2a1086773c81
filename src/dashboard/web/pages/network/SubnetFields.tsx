// The subnet part of a form (used by "Create network" and "Create subnet"): its state, checks and body.
import { useState } from 'react';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/fields';
import { useT, type Translate } from '../../i18n/i18n';
import { lines, looksLikeCidr, parsePools } from './neutron';

export interface SubnetDraft {
  name: string; cidr: string; ipVersion: string; gateway: string; noGateway: boolean;
  dhcp: boolean; pools: string; dns: string;
}
export const emptySubnet = (): SubnetDraft => ({ name: '', cidr: '', ipVersion: '4', gateway: '', noGateway: false, dhcp: true, pools: '', dns: '' });

export type SubnetErrors = Partial<Record<'cidr' | 'pools', string>>;

/** Checks a draft; returns field errors (empty when fine). */
export function checkSubnet(d: SubnetDraft, t: Translate): SubnetErrors {
  const e: SubnetErrors = {};
  if (!d.cidr.trim()) e.cidr = t('Enter a network address, e.g. 10.0.0.0/24.');
  else if (!looksLikeCidr(d.cidr)) e.cidr = t('This is not a network address in CIDR form (e.g. 10.0.0.0/24).');
  else if ((d.ipVersion === '6') !== d.cidr.includes(':')) e.cidr = t('The address does not match IP version {v}.', { v: d.ipVersion });
  try { parsePools(d.pools); } catch (err) { e.pools = t('Write one pool per line as "start,end" (bad line: {line}).', { line: (err as Error).message }); }
  return e;
}

/** The POST /subnets body for a draft on a network. */
export function subnetBody(d: SubnetDraft, networkId: string) {
  const pools = parsePools(d.pools);
  const dns = lines(d.dns);
  return {
    subnet: {
      network_id: networkId, name: d.name.trim(), cidr: d.cidr.trim(), ip_version: Number(d.ipVersion),
      enable_dhcp: d.dhcp,
      ...(d.noGateway ? { gateway_ip: null } : d.gateway.trim() ? { gateway_ip: d.gateway.trim() } : {}),
      ...(pools.length ? { allocation_pools: pools } : {}),
      ...(dns.length ? { dns_nameservers: dns } : {}),
    },
  };
}

export function useSubnetDraft() {
  const [draft, setDraft] = useState<SubnetDraft>(emptySubnet);
  const set = <K extends keyof SubnetDraft>(k: K, v: SubnetDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  return { draft, set };
}

export function SubnetFields({ draft, set, errors }: {
  draft: SubnetDraft; set<K extends keyof SubnetDraft>(k: K, v: SubnetDraft[K]): void; errors: SubnetErrors;
}) {
  const t = useT();
  return (
    <>
      <TextField label={t('Subnet name')} value={draft.name} onChange={(e) => set('name', e.target.value)} />
      <TextField label={t('Network address (CIDR)')} required value={draft.cidr} placeholder="10.0.0.0/24"
        onChange={(e) => set('cidr', e.target.value)} error={errors.cidr} />
      <SelectField label={t('IP version')} value={draft.ipVersion} onChange={(e) => set('ipVersion', e.target.value)}
        options={[{ value: '4', label: 'IPv4' }, { value: '6', label: 'IPv6' }]} />
      <TextField label={t('Gateway IP')} value={draft.gateway} disabled={draft.noGateway}
        hint={t('Leave blank for the first address of the network.')} onChange={(e) => set('gateway', e.target.value)} />
      <CheckboxField label={t('Disable gateway')} checked={draft.noGateway} onChange={(e) => set('noGateway', e.target.checked)} />
      <CheckboxField label={t('Enable DHCP')} checked={draft.dhcp} onChange={(e) => set('dhcp', e.target.checked)} />
      <TextAreaField label={t('Allocation pools')} rows={2} value={draft.pools} placeholder="10.0.0.10,10.0.0.200"
        hint={t('One pool per line: start,end. Blank = the whole network.')} error={errors.pools}
        onChange={(e) => set('pools', e.target.value)} />
      <TextAreaField label={t('DNS name servers')} rows={2} value={draft.dns} hint={t('One address per line.')}
        onChange={(e) => set('dns', e.target.value)} />
    </>
  );
}
