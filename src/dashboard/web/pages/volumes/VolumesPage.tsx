// Project → Volumes: volumes, their snapshots, backups and pending transfers in four tabs. The page owns the lists (each
// polled fast while something is in a transitional state) and the dialogs every tab opens.
import { useMemo, useState, type ReactNode } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { Tabs } from '../../components/Tabs';
import { ConfirmDialog } from '../../components/Modal';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { navigate, useLocation } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { label, pollWhileBusy, type Backup, type ServerRef, type Snapshot, type Transfer, type Volume, type VolumeDialog } from './volumes-api';
import { VolumesTable } from './VolumesTable';
import { SnapshotsTable } from './SnapshotsTable';
import { BackupsTable } from './BackupsTable';
import { CreateVolumeModal } from './CreateVolumeModal';
import { AttachModal, BackupModal, EditVolumeModal, ExtendModal, SnapshotModal } from './VolumeModals';
import { RestoreBackupModal } from './RestoreBackupModal';
import { UploadImageModal } from './UploadImageModal';
import { RetypeModal } from './RetypeModal';
import { AcceptTransferModal, CreateTransferModal } from './TransferModals';
import { TransfersTable } from './TransfersTable';
import './store.css';

// Fast while anything is in a transitional state, slow otherwise (stable across renders: no timer reset).
const POLL_VOLUMES = pollWhileBusy<Volume>(2000, 10000);
const POLL_SNAPSHOTS = pollWhileBusy<Snapshot>(2000, 10000);
const POLL_BACKUPS = pollWhileBusy<Backup>(2000, 10000);

export function VolumesPage() {
  const t = useT();
  const s = useSession();
  const loc = useLocation();
  const v = s.api.volume;
  const volumes = useResource((signal) => v.get<{ volumes: Volume[] }>('/volumes/detail', undefined, { signal }).then((r) => r.volumes),
    [s.token], { pollMs: POLL_VOLUMES });
  const snapshots = useResource((signal) => v.get<{ snapshots: Snapshot[] }>('/snapshots/detail', undefined, { signal }).then((r) => r.snapshots),
    [s.token], { pollMs: POLL_SNAPSHOTS });
  const backups = useResource((signal) => v.get<{ backups: Backup[] }>('/backups/detail', undefined, { signal }).then((r) => r.backups),
    [s.token], { pollMs: POLL_BACKUPS });
  // Pending transfers change only when another project accepts one: the slow pace is enough.
  const transfers = useResource((signal) => v.get<{ transfers: Transfer[] }>('/volume-transfers/detail', undefined, { signal }).then((r) => r.transfers),
    [s.token], { pollMs: 10000 });
  // Server names for "Attached to" and the attach dialog; refreshed with the volumes' slower pace.
  const servers = useResource((signal) => s.api.compute.get<{ servers: ServerRef[] }>('/servers/detail', undefined, { signal }).then((r) => r.servers),
    [s.token], { pollMs: 15000 });

  // ?image=<id> (the Images page's "Create volume") opens the dialog prefilled, once.
  const fromImage = loc.query.get('image') ?? undefined;
  const [dialog, setDialog] = useState<VolumeDialog | undefined>(fromImage ? { kind: 'create', imageId: fromImage } : undefined);
  const close = () => { setDialog(undefined); if (fromImage) navigate('/project/volumes', { replace: true }); };
  const refresh = () => { void volumes.reload(); void snapshots.reload(); void backups.reload(); void transfers.reload(); };

  const serverMap = useMemo(() => new Map((servers.data ?? []).map((x) => [x.id, x])), [servers.data]);
  const volumeMap = useMemo(() => new Map((volumes.data ?? []).map((x) => [x.id, x])), [volumes.data]);
  const common = { onClose: close, onChanged: refresh };
  // Tabs keeps its own selection; re-keying it opens the Volumes tab from an empty snapshots/backups list.
  const [tabsKey, setTabsKey] = useState(0);
  const toVolumes = () => setTabsKey((n) => n + 1);

  const tab = (res: { data?: unknown; error?: Error; loading: boolean }, body: () => ReactNode) => () => (
    <>
      <ErrorNote error={res.error} />
      {res.loading && !res.data ? <Loading /> : res.data ? body() : null}
    </>
  );

  return (
    <>
      <PageHeader title={t('Volumes')} actions={
        <>
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create volume')}</button>
          <button type="button" onClick={() => setDialog({ kind: 'accept' })}>{t('Accept transfer')}</button>
        </>
      } />
      <ErrorNote error={servers.error} title={t('Instance names unavailable')} />
      <Tabs key={tabsKey} label={t('Volumes')} tabs={[
        { id: 'volumes', label: t('Volumes'), render: tab(volumes, () => <VolumesTable volumes={volumes.data ?? []} servers={serverMap} open={setDialog} />) },
        { id: 'snapshots', label: t('Volume snapshots'), render: tab(snapshots, () => <SnapshotsTable snapshots={snapshots.data ?? []} volumes={volumeMap} open={setDialog} toVolumes={toVolumes} />) },
        { id: 'backups', label: t('Volume backups'), render: tab(backups, () => <BackupsTable backups={backups.data ?? []} volumes={volumeMap} open={setDialog} toVolumes={toVolumes} />) },
        { id: 'transfers', label: t('Volume transfers'), render: tab(transfers, () => <TransfersTable transfers={transfers.data ?? []} volumes={volumeMap} open={setDialog} />) },
      ]} />
      {dialog?.kind === 'create' && <CreateVolumeModal imageId={dialog.imageId} snapshotId={dialog.snapshotId} snapshots={snapshots.data ?? []} {...common} />}
      {dialog?.kind === 'attach' && <AttachModal volume={dialog.volume} servers={servers.data ?? []} {...common} />}
      {dialog?.kind === 'extend' && <ExtendModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'snapshot' && <SnapshotModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'backup' && <BackupModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'edit' && <EditVolumeModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'upload' && <UploadImageModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'retype' && <RetypeModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'transfer' && <CreateTransferModal volume={dialog.volume} {...common} />}
      {dialog?.kind === 'accept' && <AcceptTransferModal {...common} />}
      {dialog?.kind === 'delete-transfer' && (
        <ConfirmDialog title={t('Delete transfer')} confirmLabel={t('Delete transfer')} onClose={close}
          message={t('Delete transfer {name}? Volume {volume} stays in this project and becomes available again; the authorization key stops working.',
            { name: dialog.transfer.name || dialog.transfer.id, volume: volumeMap.get(dialog.transfer.volume_id) ? label(volumeMap.get(dialog.transfer.volume_id)!) : dialog.transfer.volume_id })}
          onConfirm={async () => { await v.del(`/volume-transfers/${dialog.transfer.id}`); refresh(); }} />
      )}
      {dialog?.kind === 'restore' && <RestoreBackupModal backup={dialog.backup} volumes={volumes.data ?? []} {...common} />}
      {dialog?.kind === 'detach' && (
        <ConfirmDialog title={t('Detach volume')} confirmLabel={t('Detach')} onClose={close}
          message={t('Detach volume {name} from {server}?', { name: label(dialog.volume), server: serverMap.get(dialog.attachment.server_id)?.name ?? dialog.attachment.server_id })}
          onConfirm={async () => { await s.api.compute.del(`/servers/${dialog.attachment.server_id}/os-volume_attachments/${dialog.volume.id}`); refresh(); }} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete volume')} confirmLabel={t('Delete volume')} onClose={close}
          message={t('Delete volume {name}? Its data is lost; this cannot be undone.', { name: label(dialog.volume) })}
          onConfirm={async () => { await v.del(`/volumes/${dialog.volume.id}`); refresh(); }} />
      )}
      {dialog?.kind === 'delete-snapshot' && (
        <ConfirmDialog title={t('Delete snapshot')} confirmLabel={t('Delete snapshot')} onClose={close}
          message={t('Delete snapshot {name}? This cannot be undone.', { name: label(dialog.snapshot) })}
          onConfirm={async () => { await v.del(`/snapshots/${dialog.snapshot.id}`); refresh(); }} />
      )}
      {dialog?.kind === 'delete-backup' && (
        <ConfirmDialog title={t('Delete backup')} confirmLabel={t('Delete backup')} onClose={close}
          message={t('Delete backup {name}? This cannot be undone.', { name: label(dialog.backup) })}
          onConfirm={async () => { await v.del(`/backups/${dialog.backup.id}`); refresh(); }} />
      )}
    </>
  );
}
