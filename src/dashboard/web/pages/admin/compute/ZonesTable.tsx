// Availability zones (os-availability-zone/detail): each zone, whether it is available, its hosts
// and the state of their services.
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { useT } from '../../../i18n/i18n';

interface ServiceState { available: boolean; active: boolean; updated_at: string | null }
interface Zone { zoneName: string; zoneState: { available: boolean }; hosts: Record<string, Record<string, ServiceState>> | null }

export function ZonesTable({ version }: { version: number }) {
  const t = useT();
  const { api } = useSession();
  const res = useResource((signal) => api.compute.get<{ availabilityZoneInfo: Zone[] }>('/os-availability-zone/detail', undefined, { signal })
    .then((r) => r.availabilityZoneInfo), [version]);

  const columns: Column<Zone>[] = [
    { key: 'name', header: t('Zone'), render: (z) => <strong>{z.zoneName}</strong>, sort: (z) => z.zoneName },
    { key: 'available', header: t('Available'), render: (z) => <span className={`badge ${z.zoneState.available ? 'ok' : 'bad'}`}>{z.zoneState.available ? t('Yes') : t('No')}</span>, sort: (z) => Number(z.zoneState.available) },
    { key: 'hosts', header: t('Hosts and services'), render: (z) => (
      <ul className="host-list zone-hosts">
        {Object.entries(z.hosts ?? {}).map(([host, services]) => (
          <li key={host}><strong>{host}</strong>
            <ul className="chip-list">
              {Object.entries(services).map(([binary, s]) => (
                <li key={binary}>{binary}: {s.active ? t('enabled') : t('disabled')}, {s.available ? t('up') : t('down')}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    ) },
  ];

  return (
    <section aria-labelledby="zones-title">
      <h2 className="section-title" id="zones-title">{t('Availability zones')}</h2>
      <ErrorNote error={res.error} />
      {res.loading ? <Loading /> : (
        <DataTable label={t('Availability zones')} rows={res.data ?? []} columns={columns} rowKey={(z) => z.zoneName}
          empty={<EmptyState title={t('No availability zones.')} hint={t('Zones appear when compute services run.')} />} />
      )}
    </section>
  );
}
