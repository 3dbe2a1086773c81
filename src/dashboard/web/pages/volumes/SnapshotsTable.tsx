// The "Volume snapshots" tab: point-in-time copies of volumes; new volumes can start from one.
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { isTransitional, label, type Snapshot, type Volume, type VolumeDialog } from './volumes-api';

export function SnapshotsTable({ snapshots, volumes, open, toVolumes }: { snapshots: Snapshot[]; volumes: Map<string, Volume>; open(d: VolumeDialog): void; toVolumes(): void }) {
  const t = useT();
  const volumeName = (s: Snapshot) => { const v = volumes.get(s.volume_id); return v ? label(v) : s.volume_id; };
  const columns: Column<Snapshot>[] = [
    { key: 'name', header: t('Name'), render: label, sort: (s) => label(s).toLowerCase() },
    { key: 'volume', header: t('Volume'), render: volumeName, sort: volumeName },
    { key: 'size', header: t('Size'), render: (s) => <span className="nowrap">{s.size} GiB</span>, sort: (s) => s.size },
    { key: 'status', header: t('Status'), render: (s) => <StatusBadge status={s.status} busy={isTransitional(s.status)} />, sort: (s) => s.status },
    { key: 'created', header: t('Created'), secondary: true, render: (s) => formatDate(s.created_at), sort: (s) => s.created_at },
  ];
  return (
    <DataTable label={t('Volume snapshots')} rows={snapshots} columns={columns} rowKey={(s) => s.id}
      filterText={(s) => `${label(s)} ${s.id} ${volumeName(s)} ${s.status}`}
      actions={(s) => <ActionMenu actions={[
        { label: t('Create volume'), disabled: s.status !== 'available', onSelect: () => open({ kind: 'create', snapshotId: s.id }) },
        { label: t('Delete snapshot'), danger: true, onSelect: () => open({ kind: 'delete-snapshot', snapshot: s }) },
      ]} />}
      empty={<EmptyState title={t('No volume snapshots yet.')} hint={t('Use "Create snapshot" on a volume in the Volumes tab.')}
        action={<button type="button" onClick={toVolumes}>{t('Show volumes')}</button>} />} />
  );
}
