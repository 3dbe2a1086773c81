// The "Volume backups" tab: copies of volumes kept apart from them, restorable to a new or existing volume.
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { isTransitional, label, type Backup, type Volume, type VolumeDialog } from './volumes-api';

export function BackupsTable({ backups, volumes, open, toVolumes }: { backups: Backup[]; volumes: Map<string, Volume>; open(d: VolumeDialog): void; toVolumes(): void }) {
  const t = useT();
  const volumeName = (b: Backup) => { const v = volumes.get(b.volume_id); return v ? label(v) : b.volume_id; };
  const columns: Column<Backup>[] = [
    { key: 'name', header: t('Name'), render: label, sort: (b) => label(b).toLowerCase() },
    { key: 'volume', header: t('Volume'), render: volumeName, sort: volumeName },
    { key: 'size', header: t('Size'), render: (b) => <span className="nowrap">{b.size} GiB</span>, sort: (b) => b.size },
    { key: 'status', header: t('Status'), render: (b) => <StatusBadge status={b.status} busy={isTransitional(b.status)} />, sort: (b) => b.status },
    { key: 'incremental', header: t('Incremental'), secondary: true, render: (b) => (b.is_incremental ? t('Yes') : t('No')) },
    { key: 'created', header: t('Created'), secondary: true, render: (b) => formatDate(b.created_at), sort: (b) => b.created_at },
  ];
  return (
    <DataTable label={t('Volume backups')} rows={backups} columns={columns} rowKey={(b) => b.id}
      filterText={(b) => `${label(b)} ${b.id} ${volumeName(b)} ${b.status}`}
      actions={(b) => <ActionMenu actions={[
        { label: t('Restore backup'), disabled: b.status !== 'available', onSelect: () => open({ kind: 'restore', backup: b }) },
        { label: t('Delete backup'), danger: true, disabled: isTransitional(b.status), onSelect: () => open({ kind: 'delete-backup', backup: b }) },
      ]} />}
      empty={<EmptyState title={t('No volume backups yet.')} hint={t('Use "Create backup" on a volume in the Volumes tab.')}
        action={<button type="button" onClick={toVolumes}>{t('Show volumes')}</button>} />} />
  );
}
