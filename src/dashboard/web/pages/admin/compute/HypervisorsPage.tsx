// Admin: every hypervisor with its vCPU, RAM and disk use, and the totals over all of them.
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { UsageBar } from '../../../components/charts';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { useT } from '../../../i18n/i18n';
import type { Hypervisor } from './compute-data';
import './admin-compute.css';

interface Statistics {
  count: number; vcpus: number; vcpus_used: number; memory_mb: number; memory_mb_used: number;
  local_gb: number; local_gb_used: number; running_vms: number;
}

const gib = (mib: number) => Math.round((mib / 1024) * 10) / 10;

export function HypervisorsPage() {
  const t = useT();
  const { api } = useSession();
  const res = useResource(async (signal) => {
    const [list, stats] = await Promise.all([
      api.compute.get<{ hypervisors: Hypervisor[] }>('/os-hypervisors/detail', undefined, { signal }),
      // Statistics (deprecated in later Nova, served at 2.64); summed locally if refused.
      api.compute.get<{ hypervisor_statistics: Statistics }>('/os-hypervisors/statistics', undefined, { signal })
        .then((r) => r.hypervisor_statistics).catch(() => undefined),
    ]);
    return { hypervisors: list.hypervisors, stats };
  }, [], { pollMs: 30_000 });

  const hvs = res.data?.hypervisors ?? [];
  const stats: Statistics = res.data?.stats ?? hvs.reduce((s, h) => ({
    count: s.count + 1, vcpus: s.vcpus + h.vcpus, vcpus_used: s.vcpus_used + h.vcpus_used, memory_mb: s.memory_mb + h.memory_mb,
    memory_mb_used: s.memory_mb_used + h.memory_mb_used, local_gb: s.local_gb + h.local_gb, local_gb_used: s.local_gb_used + h.local_gb_used,
    running_vms: s.running_vms + h.running_vms,
  }), { count: 0, vcpus: 0, vcpus_used: 0, memory_mb: 0, memory_mb_used: 0, local_gb: 0, local_gb_used: 0, running_vms: 0 });

  const columns: Column<Hypervisor>[] = [
    { key: 'host', header: t('Hostname'), render: (h) => <strong>{h.hypervisor_hostname}</strong>, sort: (h) => h.hypervisor_hostname },
    { key: 'type', header: t('Type'), render: (h) => h.hypervisor_type, sort: (h) => h.hypervisor_type, secondary: true },
    { key: 'state', header: t('State'), render: (h) => <><StatusBadge status={h.state} /> <StatusBadge status={h.status} /></>, sort: (h) => `${h.state} ${h.status}` },
    { key: 'vcpus', header: t('vCPUs'), render: (h) => <div className="hv-cell"><UsageBar label={t('vCPUs of {host}', { host: h.hypervisor_hostname })} used={h.vcpus_used} limit={h.vcpus} /></div>, sort: (h) => h.vcpus_used / (h.vcpus || 1) },
    { key: 'ram', header: t('RAM'), render: (h) => <div className="hv-cell"><UsageBar label={t('RAM of {host}', { host: h.hypervisor_hostname })} used={gib(h.memory_mb_used)} limit={gib(h.memory_mb)} unit=" GiB" /></div>, sort: (h) => h.memory_mb_used / (h.memory_mb || 1) },
    { key: 'disk', header: t('Local disk'), render: (h) => <div className="hv-cell"><UsageBar label={t('Local disk of {host}', { host: h.hypervisor_hostname })} used={h.local_gb_used} limit={h.local_gb} unit=" GiB" /></div>, sort: (h) => h.local_gb_used / (h.local_gb || 1) },
    { key: 'vms', header: t('Running VMs'), render: (h) => h.running_vms, sort: (h) => h.running_vms },
  ];

  return (
    <>
      <PageHeader title={t('Hypervisors')} actions={<button type="button" onClick={() => void res.reload()}>{t('Refresh')}</button>} />
      <ErrorNote error={res.error} />
      {res.loading ? <Loading /> : (
        <>
          <section className="panel" aria-labelledby="hv-summary-title">
            <h2 id="hv-summary-title">{t('All hypervisors ({n})', { n: stats.count })}</h2>
            <div className="hv-summary">
              <UsageBar label={t('vCPUs used')} used={stats.vcpus_used} limit={stats.vcpus} />
              <UsageBar label={t('RAM used')} used={gib(stats.memory_mb_used)} limit={gib(stats.memory_mb)} unit=" GiB" />
              <UsageBar label={t('Local disk used')} used={stats.local_gb_used} limit={stats.local_gb} unit=" GiB" />
            </div>
            <p className="muted">{t('{n} running VMs', { n: stats.running_vms })}</p>
          </section>
          <DataTable label={t('Hypervisors')} rows={hvs} columns={columns} rowKey={(h) => String(h.id)}
            filterText={(h) => `${h.hypervisor_hostname} ${h.hypervisor_type} ${h.state} ${h.status}`}
            empty={<EmptyState title={t('No hypervisors yet.')} hint={t('Start a Nubis agent on a host (nubis agent) to add its hypervisor.')} />} />
        </>
      )}
    </>
  );
}
