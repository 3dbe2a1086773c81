// The images table with its row actions and dialogs. Exported for the admin's "All images" page too:
// with `admin` it lists every project's images (Glance shows admins all of them) and shows the owner id.
import { useState, type ReactNode } from 'react';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { formatBytes, formatDate, formatMiB, shortId } from '../../components/format';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { imageLabel, TRANSITIONAL, type Image } from './images-api';
import { EditImageModal } from './EditImageModal';
import { CreateImageModal } from './CreateImageModal';
import '../volumes/store.css';

type Dialog = { kind: 'edit' | 'delete'; image: Image } | { kind: 'create' } | undefined;

/** All images visible to the caller, following Glance's pagination links. */
async function listImages(get: (path: string, q?: Record<string, string>) => Promise<{ images: Image[]; next?: string }>, signal: AbortSignal) {
  const out: Image[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 50 && !signal.aborted; page++) {
    const res = await get('/images', { limit: '200', ...(marker ? { marker } : {}) });
    out.push(...res.images);
    if (!res.next || res.images.length === 0) break;
    marker = res.images[res.images.length - 1].id;
  }
  return out;
}

/** The whole images page body: its header (title + "Create image"), the table and the dialogs. */
// Every 2 s while an image is queued/saving/importing/uploading, else every 15 s.
const POLL = (d: Image[] | undefined) => (d?.some((i) => TRANSITIONAL.has(i.status)) ? 2000 : 15000);

export function ImagesTable({ admin = false, title }: { admin?: boolean; title: string }) {
  const t = useT();
  const s = useSession();
  const [dialog, setDialog] = useState<Dialog>();
  const images = useResource((signal) => listImages((p, q) => s.api.image.get(p, q, { signal }), signal), [s.token], { pollMs: POLL });

  const mine = (i: Image) => i.owner === s.project.id;
  const columns: Column<Image>[] = [
    { key: 'name', header: t('Name'), render: (i) => imageLabel(i), sort: (i) => imageLabel(i).toLowerCase() },
    { key: 'status', header: t('Status'), render: (i) => <StatusBadge status={i.status} />, sort: (i) => i.status },
    { key: 'visibility', header: t('Visibility'), secondary: true, render: (i) => t(i.visibility[0].toUpperCase() + i.visibility.slice(1)), sort: (i) => i.visibility },
    { key: 'format', header: t('Disk format'), secondary: true, render: (i) => i.disk_format ?? '—', sort: (i) => i.disk_format ?? '' },
    { key: 'size', header: t('Size'), render: (i) => formatBytes(i.size), sort: (i) => i.size ?? 0 },
    { key: 'min', header: t('Min disk / RAM'), secondary: true, render: (i) => `${i.min_disk} GiB / ${formatMiB(i.min_ram)}`, sort: (i) => i.min_disk },
    { key: 'protected', header: t('Protected'), secondary: true, render: (i) => (i.protected ? t('Yes') : t('No')), sort: (i) => (i.protected ? 1 : 0) },
    admin
      ? { key: 'owner', header: t('Owner'), secondary: true, render: (i) => (i.owner ? <span title={i.owner}>{mine(i) ? t('This project') : shortId(i.owner)}</span> : '—'), sort: (i) => i.owner ?? '' }
      : { key: 'owner', header: t('Owner'), secondary: true, render: (i) => (mine(i) ? t('This project') : t('Other project')), sort: (i) => (mine(i) ? 0 : 1) },
    { key: 'created', header: t('Created'), secondary: true, render: (i) => formatDate(i.created_at), sort: (i) => i.created_at },
  ];

  const refresh = () => void images.reload();
  const actions = (i: Image) => (
    <ActionMenu label={t('Actions')} actions={[
      { label: t('Launch'), disabled: i.status !== 'active', onSelect: () => navigate(`/project/instances/launch?image=${encodeURIComponent(i.id)}`) },
      { label: t('Edit image'), disabled: !mine(i) && !s.isAdmin, onSelect: () => setDialog({ kind: 'edit', image: i }) },
      { label: t('Create volume'), disabled: i.status !== 'active', onSelect: () => navigate(`/project/volumes?image=${encodeURIComponent(i.id)}`) },
      { label: t('Delete image'), danger: true, disabled: !mine(i) && !s.isAdmin, onSelect: () => setDialog({ kind: 'delete', image: i }) },
    ]} />
  );

  let body: ReactNode;
  if (images.loading && !images.data) body = <Loading />;
  else body = (
    <DataTable label={admin ? t('All images') : t('Images')} rows={images.data ?? []} columns={columns} rowKey={(i) => i.id}
      filterText={(i) => `${imageLabel(i)} ${i.id} ${i.status} ${i.disk_format ?? ''} ${i.visibility}`} actions={actions}
      empty={<EmptyState title={t('No images yet.')} hint={t('Upload a disk image (qcow2, raw, iso…) to launch instances from it.')}
        action={<button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create image')}</button>} />} />
  );

  return (
    <>
      <PageHeader title={title} actions={<button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create image')}</button>} />
      <ErrorNote error={images.error} />
      {body}
      {dialog?.kind === 'create' && <CreateImageModal onClose={() => setDialog(undefined)} onChanged={refresh} />}
      {dialog?.kind === 'edit' && <EditImageModal image={dialog.image} onClose={() => setDialog(undefined)} onChanged={refresh} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete image')} confirmLabel={t('Delete image')}
          message={t('Delete image {name}? This cannot be undone.', { name: imageLabel(dialog.image) })}
          onConfirm={async () => { await s.api.image.del(`/images/${dialog.image.id}`); refresh(); }}
          onClose={() => setDialog(undefined)} />
      )}
    </>
  );
}
