// Admin: the compute services (nova-compute, scheduler, conductor) and their state, refreshed
// every 10 s; compute services can be disabled (with a reason) and enabled again.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatDate } from '../../../components/format';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import type { Service } from './compute-data';
import { DisableServiceModal } from './DisableServiceModal';
import './admin-compute.css';

export function ComputeServicesPage() {
  const t = useT();
  const { api } = useSession();
  const enable = useAction();
  const [disabling, setDisabling] = useState<Service>();
  const res = useResource((signal) => api.compute.get<{ services: Service[] }>('/os-services', undefined, { signal }).then((r) => r.services),
    [], { pollMs: 10_000 });

  const columns: Column<Service>[] = [
    { key: 'binary', header: t('Binary'), render: (s) => <strong>{s.binary}</strong>, sort: (s) => s.binary },
    { key: 'host', header: t('Host'), render: (s) => s.host, sort: (s) => s.host },
    { key: 'zone', header: t('Zone'), render: (s) => s.zone, sort: (s) => s.zone, secondary: true },
    { key: 'status', header: t('Status'), render: (s) => <StatusBadge status={s.status} />, sort: (s) => s.status },
    { key: 'state', header: t('State'), render: (s) => <StatusBadge status={s.state} />, sort: (s) => s.state },
    { key: 'updated', header: t('Updated'), render: (s) => formatDate(s.updated_at), sort: (s) => s.updated_at ?? '', secondary: true },
    { key: 'reason', header: t('Disabled reason'), render: (s) => s.disabled_reason ?? '', secondary: true },
  ];

  return (
    <>
      <PageHeader title={t('Compute services')}>
        <p className="muted">{t('Refreshed every 10 seconds.')}</p>
      </PageHeader>
      <ErrorNote error={res.error} />
      <ErrorNote error={enable.error} title={t('Enable service')} />
      {res.loading ? <Loading /> : (
        <DataTable label={t('Compute services')} rows={res.data ?? []} columns={columns} rowKey={(s) => String(s.id)}
          filterText={(s) => `${s.binary} ${s.host} ${s.zone} ${s.status} ${s.state}`}
          actions={(s) => s.binary !== 'nova-compute' ? null : s.status === 'disabled'
            ? <button type="button" disabled={enable.busy} aria-label={t('Enable service {binary} on {host}', { binary: s.binary, host: s.host })}
                onClick={() => void enable.run(() => api.compute.put(`/os-services/${s.id}`, { status: 'enabled' }),
                  t('Service {binary} on {host} enabled', { binary: s.binary, host: s.host })).then(() => res.reload())}>{t('Enable service')}</button>
            : <button type="button" aria-label={t('Disable service {binary} on {host}', { binary: s.binary, host: s.host })}
                onClick={() => setDisabling(s)}>{t('Disable service')}</button>}
          empty={<EmptyState title={t('No compute services are registered.')} hint={t('Start nubis up or a nubis agent to register services.')} />} />
      )}
      {disabling && <DisableServiceModal service={disabling} onClose={() => setDisabling(undefined)} onDone={() => void res.reload()} />}
    </>
  );
}
