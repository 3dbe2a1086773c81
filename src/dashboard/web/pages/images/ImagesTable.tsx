// The images the project can use, with their row actions (launch, edit, share, create a volume,
// delete) and the dialogs those open. The page owns the list so its "Create image" refreshes it.
import { useState, type ReactNode } from 'react';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatBytes, formatDate, formatMiB } from '../../components/format';
import type { Resource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { imageLabel, type Image } from './images-api';
import { EditImageModal } from './EditImageModal';
import { MembersModal } from './MembersModal';
import { TagList } from './TagList';
import '../volumes/store.css';

type Dialog = { kind: 'edit' | 'delete' | 'members'; image: Image } | undefined;

export function ImagesTable({ images, onCreate }: { images: Resource<Image[]>; onCreate(): void }) {
  const t = useT();
  const s = useSession();
  const [dialog, setDialog] = useState<Dialog>();

  const mine = (i: Image) => i.owner === s.project.id;
  const mayChange = (i: Image) => mine(i) || s.isAdmin;
  const columns: Column<Image>[] = [
    { key: 'name', header: t('Name'), render: (i) => imageLabel(i), sort: (i) => imageLabel(i).toLowerCase() },
    { key: 'status', header: t('Status'), render: (i) => <StatusBadge status={i.status} />, sort: (i) => i.status },
    { key: 'visibility', header: t('Visibility'), secondary: true, render: (i) => t(i.visibility[0].toUpperCase() + i.visibility.slice(1)), sort: (i) => i.visibility },
    { key: 'tags', header: t('Tags'), secondary: true, render: (i) => <TagList tags={i.tags ?? []} />, sort: (i) => (i.tags ?? []).join(' ') },
    { key: 'format', header: t('Disk format'), secondary: true, render: (i) => i.disk_format ?? '—', sort: (i) => i.disk_format ?? '' },
    { key: 'size', header: t('Size'), render: (i) => formatBytes(i.size), sort: (i) => i.size ?? 0 },
    { key: 'min', header: t('Min disk / RAM'), secondary: true, render: (i) => `${i.min_disk} GiB / ${formatMiB(i.min_ram)}`, sort: (i) => i.min_disk },
    { key: 'protected', header: t('Protected'), secondary: true, render: (i) => (i.protected ? t('Yes') : t('No')), sort: (i) => (i.protected ? 1 : 0) },
    { key: 'owner', header: t('Owner'), secondary: true, render: (i) => (mine(i) ? t('This project') : t('Other project')), sort: (i) => (mine(i) ? 0 : 1) },
    { key: 'created', header: t('Created'), secondary: true, render: (i) => formatDate(i.created_at), sort: (i) => i.created_at },
  ];

  const refresh = () => void images.reload();
  const actions = (i: Image) => (
    <ActionMenu label={t('Actions')} actions={[
      { label: t('Launch'), disabled: i.status !== 'active', onSelect: () => navigate(`/project/instances/launch?image=${encodeURIComponent(i.id)}`) },
      { label: t('Edit image'), disabled: !mayChange(i), onSelect: () => setDialog({ kind: 'edit', image: i }) },
      { label: t('Manage members'), disabled: !mayChange(i), onSelect: () => setDialog({ kind: 'members', image: i }) },
      { label: t('Create volume'), disabled: i.status !== 'active', onSelect: () => navigate(`/project/volumes?image=${encodeURIComponent(i.id)}`) },
      { label: t('Delete image'), danger: true, disabled: !mayChange(i), onSelect: () => setDialog({ kind: 'delete', image: i }) },
    ]} />
  );

  let body: ReactNode;
  if (images.loading && !images.data) body = <Loading />;
  else body = (
    <DataTable label={t('Images')} rows={images.data ?? []} columns={columns} rowKey={(i) => i.id}
      filterText={(i) => `${imageLabel(i)} ${i.id} ${i.status} ${i.disk_format ?? ''} ${i.visibility} ${(i.tags ?? []).join(' ')}`} actions={actions}
      empty={<EmptyState title={t('No images yet.')} hint={t('Upload a disk image (qcow2, raw, iso…) to launch instances from it.')}
        action={<button type="button" className="primary" onClick={onCreate}>{t('Create image')}</button>} />} />
  );

  return (
    <>
      <ErrorNote error={images.error} />
      {body}
      {dialog?.kind === 'edit' && <EditImageModal image={dialog.image} onClose={() => setDialog(undefined)} onChanged={refresh} />}
      {dialog?.kind === 'members' && <MembersModal image={dialog.image} onClose={() => setDialog(undefined)} onChanged={refresh} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete image')} confirmLabel={t('Delete image')}
          message={t('Delete image {name}? This cannot be undone.', { name: imageLabel(dialog.image) })}
          onConfirm={async () => { await s.api.image.del(`/images/${dialog.image.id}`); refresh(); }}
          onClose={() => setDialog(undefined)} />
      )}
    </>
  );
}
