// The "Volumes" tab: every volume of the project with where it is attached and its actions.
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu, type MenuAction } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { useT } from '../../i18n/i18n';
import { isBootable, isTransitional, label, type ServerRef, type Volume, type VolumeDialog } from './volumes-api';

export function VolumesTable({ volumes, servers, open }: { volumes: Volume[]; servers: Map<string, ServerRef>; open(d: VolumeDialog): void }) {
  const t = useT();
  const serverName = (id: string) => servers.get(id)?.name || id;
  const attachedTo = (v: Volume) => v.attachments.map((a) => `${serverName(a.server_id)}${a.device ? ` (${a.device})` : ''}`).join(', ');
  const columns: Column<Volume>[] = [
    { key: 'name', header: t('Name'), render: label, sort: (v) => label(v).toLowerCase() },
    { key: 'size', header: t('Size'), render: (v) => <span className="nowrap">{v.size} GiB</span>, sort: (v) => v.size },
    { key: 'status', header: t('Status'), render: (v) => <StatusBadge status={v.status} busy={isTransitional(v.status)} />, sort: (v) => v.status },
    { key: 'type', header: t('Type'), secondary: true, render: (v) => v.volume_type ?? '—', sort: (v) => v.volume_type ?? '' },
    { key: 'bootable', header: t('Bootable'), secondary: true, render: (v) => (isBootable(v) ? t('Yes') : t('No')), sort: (v) => (isBootable(v) ? 1 : 0) },
    { key: 'attached', header: t('Attached to'), render: (v) => attachedTo(v) || '—', sort: attachedTo },
    { key: 'az', header: t('Zone'), secondary: true, render: (v) => v.availability_zone ?? '—', sort: (v) => v.availability_zone ?? '' },
    { key: 'encrypted', header: t('Encrypted'), secondary: true, render: (v) => (v.encrypted ? t('Yes') : t('No')) },
    { key: 'created', header: t('Created'), secondary: true, render: (v) => formatDate(v.created_at), sort: (v) => v.created_at },
  ];
  const actions = (v: Volume) => {
    const busy = isTransitional(v.status) || v.status === 'awaiting-transfer';
    // Upload and retype take an available or attached volume (not one awaiting transfer or in error).
    const settled = v.status === 'available' || v.status === 'in-use';
    const list: MenuAction[] = [
      { label: t('Attach'), disabled: v.status !== 'available', onSelect: () => open({ kind: 'attach', volume: v }) },
      ...v.attachments.map((a) => ({
        label: v.attachments.length > 1 ? t('Detach from {server}', { server: serverName(a.server_id) }) : t('Detach'),
        disabled: busy, onSelect: () => open({ kind: 'detach', volume: v, attachment: a }),
      })),
      { label: t('Extend'), disabled: busy, onSelect: () => open({ kind: 'extend', volume: v }) },
      { label: t('Create snapshot'), disabled: busy, onSelect: () => open({ kind: 'snapshot', volume: v }) },
      { label: t('Create backup'), disabled: busy, onSelect: () => open({ kind: 'backup', volume: v }) },
      { label: t('Upload to image'), disabled: !settled, onSelect: () => open({ kind: 'upload', volume: v }) },
      { label: t('Change volume type'), disabled: !settled, onSelect: () => open({ kind: 'retype', volume: v }) },
      { label: t('Create transfer'), disabled: v.status !== 'available', onSelect: () => open({ kind: 'transfer', volume: v }) },
      { label: t('Edit volume'), onSelect: () => open({ kind: 'edit', volume: v }) },
      { label: t('Delete volume'), danger: true, onSelect: () => open({ kind: 'delete', volume: v }) },
    ];
    return <ActionMenu actions={list} />;
  };
  return (
    <DataTable label={t('Volumes')} rows={volumes} columns={columns} rowKey={(v) => v.id} actions={actions}
      filterText={(v) => `${label(v)} ${v.id} ${v.status} ${v.volume_type ?? ''} ${attachedTo(v)}`}
      empty={<EmptyState title={t('No volumes yet.')} hint={t('Create a volume to give instances persistent storage.')}
        action={<button type="button" className="primary" onClick={() => open({ kind: 'create' })}>{t('Create volume')}</button>} />} />
  );
}
