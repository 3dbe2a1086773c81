// Admin: every image of every project (admins see all in Glance), with owner, visibility and size.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ActionMenu } from '../../../components/ActionMenu';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatBytes, formatDate } from '../../../components/format';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { loadProjectNames } from './compute-data';
import { VisibilityModal, type Image } from './VisibilityModal';
import './admin-compute.css';

type Dialog = { kind: 'visibility' | 'delete'; image: Image };

export function AllImagesPage() {
  const t = useT();
  const { api } = useSession();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);
  const res = useResource(async (signal) => {
    const names = loadProjectNames(api.identity, signal).catch(() => new Map<string, string>());
    const images: Image[] = [];
    // Glance pages the list: follow `next` (a path with the marker) until it stops.
    let path: string | undefined = '/images?limit=100';
    for (let guard = 0; path && guard < 100; guard++) {
      const r: { images: Image[]; next?: string } = await api.image.get(path, undefined, { signal });
      images.push(...r.images);
      path = r.next ? r.next.replace(/^\/v2/, '') : undefined;
    }
    return { images, names: await names };
  }, [], { pollMs: (d) => (d?.images.some((i) => /queued|saving|importing|uploading|pending_delete/.test(i.status)) ? 3000 : 0) });

  const owner = (i: Image) => res.data?.names.get(i.owner) ?? i.owner ?? '—';
  const label = (i: Image) => i.name || i.id;
  const columns: Column<Image>[] = [
    { key: 'name', header: t('Name'), render: (i) => <strong>{label(i)}</strong>, sort: (i) => label(i) },
    { key: 'owner', header: t('Owner'), render: owner, sort: owner },
    { key: 'visibility', header: t('Visibility'), render: (i) => i.visibility, sort: (i) => i.visibility },
    { key: 'status', header: t('Status'), render: (i) => <StatusBadge status={i.status} />, sort: (i) => i.status },
    { key: 'size', header: t('Size'), render: (i) => formatBytes(i.size), sort: (i) => i.size ?? 0, secondary: true },
    { key: 'format', header: t('Format'), render: (i) => i.disk_format ?? '—', secondary: true },
    { key: 'created', header: t('Created'), render: (i) => formatDate(i.created_at), sort: (i) => i.created_at ?? '', secondary: true },
  ];

  return (
    <>
      <PageHeader title={t('All images')} />
      <ErrorNote error={res.error} />
      {res.loading ? <Loading /> : (
        <DataTable label={t('All images')} rows={res.data?.images ?? []} columns={columns} rowKey={(i) => i.id}
          filterText={(i) => `${label(i)} ${owner(i)} ${i.visibility} ${i.status}`}
          actions={(i) => <ActionMenu actions={[
            { label: t('Edit visibility'), onSelect: () => setDialog({ kind: 'visibility', image: i }) },
            { label: t('Delete image'), danger: true, disabled: i.protected, onSelect: () => setDialog({ kind: 'delete', image: i }) },
          ]} />}
          empty={<EmptyState title={t('No images in any project.')} hint={t('Upload an image from the Images page of a project.')} />} />
      )}
      {dialog?.kind === 'visibility' && <VisibilityModal image={dialog.image} onClose={close} onDone={() => void res.reload()} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete image')} confirmLabel={t('Delete image')} onClose={close}
          message={t('Delete image {name} of project {owner}? Instances already running keep their disks; this cannot be undone.', { name: label(dialog.image), owner: owner(dialog.image) })}
          onConfirm={async () => {
            await api.image.del(`/images/${dialog.image.id}`);
            toast(t('Image {name} deleted', { name: label(dialog.image) }));
            await res.reload();
          }} />
      )}
    </>
  );
}
