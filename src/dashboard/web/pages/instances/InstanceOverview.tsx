// The detail page's Overview tab: every property of the instance in one definition list.
import type { ReactNode } from 'react';
import { formatDate, formatMiB } from '../../components/format';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT, useI18n } from '../../i18n/i18n';
import { POWER_STATES, addressList, imageId, type Server } from './server-model';

export function InstanceOverview({ server: s }: { server: Server }) {
  const t = useT();
  const { lang } = useI18n();
  const { api, isAdmin } = useSession();
  const img = imageId(s);
  const image = useResource((signal) => (img ? api.image.get<{ name: string | null }>(`/images/${img}`, undefined, { signal }).then((i) => i.name ?? img).catch(() => img) : Promise.resolve(t('Booted from volume'))), [api, img]);
  const f = s.flavor;
  const meta = Object.entries(s.metadata ?? {});
  const rows: [string, ReactNode][] = [
    [t('ID'), <code>{s.id}</code>],
    [t('Status'), s.status],
    [t('Task state'), s['OS-EXT-STS:task_state'] ?? t('None')],
    [t('Power state'), t(POWER_STATES[s['OS-EXT-STS:power_state'] ?? 0] ?? 'Unknown')],
    [t('Flavor'), f ? t('{name}: {vcpus} vCPU, {ram} RAM, {disk} GB disk', { name: f.original_name, vcpus: f.vcpus, ram: formatMiB(f.ram), disk: f.disk }) : '—'],
    [t('Image'), image.data ?? '…'],
    [t('Key pair'), s.key_name || t('None')],
    [t('Availability zone'), s['OS-EXT-AZ:availability_zone'] ?? '—'],
    ...(isAdmin ? [[t('Host'), s['OS-EXT-SRV-ATTR:host'] ?? '—'] as [string, ReactNode]] : []),
    [t('Created'), formatDate(s.created, lang)],
    [t('IP addresses'), addressList(s).length ? (
      <ul className="ip-list">{addressList(s).map((a) => <li key={a.addr}>{a.addr} <span className="ip-type">({a.net}, {t(a.type)})</span></li>)}</ul>
    ) : t('None')],
    [t('Security groups'), s.security_groups?.length ? [...new Set(s.security_groups.map((g) => g.name))].join(', ') : t('None')],
    [t('Metadata'), meta.length ? <ul className="ip-list">{meta.map(([k, v]) => <li key={k}><code>{k}</code> = {v}</li>)}</ul> : t('None')],
    [t('Locked'), s.locked ? t('Yes') : t('No')],
    ...(s.fault ? [[t('Fault'), s.fault.message] as [string, ReactNode]] : []),
  ];
  return (
    <dl className="props">
      {rows.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
    </dl>
  );
}
