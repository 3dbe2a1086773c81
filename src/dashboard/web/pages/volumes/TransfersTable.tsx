// The "Volume transfers" tab: this project's offers not yet accepted; deleting one takes it back.
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { label, type Transfer, type Volume, type VolumeDialog } from './volumes-api';

export function TransfersTable({ transfers, volumes, open }: { transfers: Transfer[]; volumes: Map<string, Volume>; open(d: VolumeDialog): void }) {
  const t = useT();
  const volumeName = (x: Transfer) => { const v = volumes.get(x.volume_id); return v ? label(v) : x.volume_id; };
  const columns: Column<Transfer>[] = [
    { key: 'name', header: t('Name'), render: (x) => x.name || '—', sort: (x) => (x.name ?? '').toLowerCase() },
    { key: 'volume', header: t('Volume'), render: volumeName, sort: volumeName },
    { key: 'id', header: t('Transfer ID'), secondary: true, render: (x) => <code>{x.id}</code>, sort: (x) => x.id },
    { key: 'snapshots', header: t('Snapshots move too'), secondary: true, render: (x) => (x.no_snapshots ? t('No') : t('Yes')) },
    { key: 'created', header: t('Created'), render: (x) => formatDate(x.created_at), sort: (x) => x.created_at },
  ];
  return (
    <DataTable label={t('Volume transfers')} rows={transfers} columns={columns} rowKey={(x) => x.id}
      filterText={(x) => `${x.name ?? ''} ${x.id} ${volumeName(x)}`}
      actions={(x) => (
        <button type="button" className="danger" aria-label={t('Delete transfer {name}', { name: x.name || x.id })}
          onClick={() => open({ kind: 'delete-transfer', transfer: x })}>{t('Delete transfer')}</button>
      )}
      empty={<EmptyState title={t('No pending volume transfers.')}
        hint={t('Use "Create transfer" on an available volume to give it to another project. To receive a volume, use "Accept transfer".')}
        action={<button type="button" onClick={() => open({ kind: 'accept' })}>{t('Accept transfer')}</button>} />} />
  );
}
