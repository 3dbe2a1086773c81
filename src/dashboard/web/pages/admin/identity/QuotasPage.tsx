// Admin: a project's compute, block storage and network quotas, each panel saved on its own
// (?project=<id> preselects the project, e.g. from the Projects page).
import { useMemo } from 'react';
import { navigate, useLocation } from '../../../app/router';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { SelectField } from '../../../components/fields';
import { useT } from '../../../i18n/i18n';
import { options, type Project } from './identity-data';
import { QuotaPanel, type QuotaField, type QuotaItem } from './QuotaPanel';
import './admin-identity.css';

type Usage = Record<string, { limit: number; in_use?: number; used?: number }>;
const items = (q: Usage): Record<string, QuotaItem> =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v === 'object' && v).map(([k, v]) => [k, { limit: v.limit, used: v.in_use ?? v.used ?? 0 }]));
const enc = encodeURIComponent;

export function QuotasPage() {
  const t = useT();
  const { api, project: own } = useSession();
  const { query } = useLocation();
  const projects = useResource(() => api.identity.get<{ projects: Project[] }>('/projects')
    .then((r) => r.projects.filter((p) => !p.is_domain).sort((a, b) => a.name.localeCompare(b.name))), []);
  const selected = query.get('project') || own.id;

  const compute: QuotaField[] = useMemo(() => [
    { key: 'instances', label: t('Instances') }, { key: 'cores', label: t('vCPUs') }, { key: 'ram', label: t('RAM'), unit: 'MiB' },
    { key: 'key_pairs', label: t('Key pairs') }, { key: 'metadata_items', label: t('Metadata items') },
    { key: 'server_groups', label: t('Server groups') }, { key: 'server_group_members', label: t('Server group members') },
  ], [t]);
  const volume: QuotaField[] = useMemo(() => [
    { key: 'volumes', label: t('Volumes') }, { key: 'gigabytes', label: t('Volume storage'), unit: 'GiB' },
    { key: 'snapshots', label: t('Snapshots') }, { key: 'backups', label: t('Backups') },
    { key: 'backup_gigabytes', label: t('Backup storage'), unit: 'GiB' },
  ], [t]);
  const network: QuotaField[] = useMemo(() => [
    { key: 'network', label: t('Networks') }, { key: 'subnet', label: t('Subnets') }, { key: 'port', label: t('Ports') },
    { key: 'router', label: t('Routers') }, { key: 'floatingip', label: t('Floating IPs') },
    { key: 'security_group', label: t('Security groups') }, { key: 'security_group_rule', label: t('Security group rules') },
  ], [t]);

  return (
    <>
      <PageHeader title={t('Quotas')} />
      <ErrorNote error={projects.error} />
      {projects.loading && !projects.data && <Loading />}
      {projects.data && (
        <div className="aid-filters">
          <SelectField label={t('Project')} value={selected} options={options(projects.data)}
            onChange={(e) => navigate(`/admin/quotas?project=${enc(e.target.value)}`, { replace: true })} />
        </div>
      )}
      <div className="aid-quota-panels">
        {api.has('compute') && <QuotaPanel title={t('Compute')} project={selected} fields={compute}
          load={(p, signal) => api.compute.get<{ quota_set: Usage }>(`/os-quota-sets/${enc(p)}/detail`, undefined, { signal }).then((r) => items(r.quota_set))}
          save={(p, v) => api.compute.put(`/os-quota-sets/${enc(p)}`, { quota_set: v })} />}
        {api.has('block-storage') && <QuotaPanel title={t('Block storage')} project={selected} fields={volume}
          load={(p, signal) => api.volume.get<{ quota_set: Usage }>(`/os-quota-sets/${enc(p)}`, { usage: 'true' }, { signal }).then((r) => items(r.quota_set))}
          save={(p, v) => api.volume.put(`/os-quota-sets/${enc(p)}`, { quota_set: v })} />}
        {api.has('network') && <QuotaPanel title={t('Network')} project={selected} fields={network}
          load={(p, signal) => api.network.get<{ quota: Usage }>(`/quotas/${enc(p)}/details.json`, undefined, { signal }).then((r) => items(r.quota))}
          save={(p, v) => api.network.put(`/quotas/${enc(p)}`, { quota: v })} />}
      </div>
    </>
  );
}
