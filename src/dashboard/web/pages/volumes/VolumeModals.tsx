// The dialogs behind a volume's row actions: attach, extend, snapshot, backup, edit.
import { useState } from 'react';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/fields';
import { useToast } from '../../components/toast';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormDialog } from './FormDialog';
import { isBootable, label, type ServerRef, type Volume } from './volumes-api';

interface Props { volume: Volume; onClose(): void; onChanged(): void }

export function AttachModal({ volume, servers, ...rest }: Props & { servers: ServerRef[] }) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const usable = servers.filter((x) => x.status === 'ACTIVE' || x.status === 'SHUTOFF');
  const [server, setServer] = useState(usable[0]?.id ?? '');
  const [err, setErr] = useState<string>();
  return (
    <FormDialog title={t('Attach volume {name}', { name: label(volume) })} submitLabel={t('Attach')} {...rest} submit={async () => {
      if (!server) { setErr(t('Choose an instance.')); return false; }
      await s.api.compute.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: volume.id } });
      toast(t('Volume {name} is being attached.', { name: label(volume) }));
    }}>
      <SelectField label={t('Instance')} required value={server} error={err} onChange={(e) => setServer(e.target.value)}
        placeholder={usable.length ? undefined : t('No running or stopped instance')}
        options={usable.map((x) => ({ value: x.id, label: `${x.name} (${x.status})` }))} />
    </FormDialog>
  );
}

export function ExtendModal({ volume, ...rest }: Props) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [size, setSize] = useState(String(volume.size + 1));
  const [err, setErr] = useState<string>();
  return (
    <FormDialog title={t('Extend volume {name}', { name: label(volume) })} submitLabel={t('Extend')} {...rest} submit={async () => {
      const n = parseInt(size, 10);
      if (!(n > volume.size)) { setErr(t('The new size must be more than {n} GiB.', { n: volume.size })); return false; }
      await s.api.volume.post(`/volumes/${volume.id}/action`, { 'os-extend': { new_size: n } });
      toast(t('Volume {name} is being extended to {n} GiB.', { name: label(volume), n }));
    }}>
      <p>{t('Current size: {n} GiB', { n: volume.size })}</p>
      <TextField label={t('New size (GiB)')} type="number" min={volume.size + 1} required value={size} error={err} onChange={(e) => setSize(e.target.value)} />
    </FormDialog>
  );
}

export function SnapshotModal({ volume, ...rest }: Props) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [name, setName] = useState(''); const [description, setDescription] = useState('');
  return (
    <FormDialog title={t('Create snapshot')} submitLabel={t('Create snapshot')} {...rest} submit={async () => {
      // An in-use volume needs force (the snapshot is crash-consistent, as with the CLI's --force).
      await s.api.volume.post('/snapshots', { snapshot: { volume_id: volume.id, name: name.trim() || undefined, description: description.trim() || undefined, force: volume.status === 'in-use' } });
      toast(t('Snapshot of {name} is being created.', { name: label(volume) }));
    }}>
      <p>{t('Volume: {name}', { name: label(volume) })}</p>
      <TextField label={t('Snapshot name')} value={name} onChange={(e) => setName(e.target.value)} />
      <TextAreaField label={t('Description')} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
    </FormDialog>
  );
}

export function BackupModal({ volume, ...rest }: Props) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [name, setName] = useState(''); const [incremental, setIncremental] = useState(false);
  return (
    <FormDialog title={t('Create backup')} submitLabel={t('Create backup')} {...rest} submit={async () => {
      await s.api.volume.post('/backups', { backup: { volume_id: volume.id, name: name.trim() || undefined, incremental, force: volume.status === 'in-use' } });
      toast(t('Backup of {name} is being created.', { name: label(volume) }));
    }}>
      <p>{t('Volume: {name}', { name: label(volume) })}</p>
      <TextField label={t('Backup name')} value={name} onChange={(e) => setName(e.target.value)} />
      <CheckboxField label={t('Incremental')} checked={incremental} onChange={(e) => setIncremental(e.target.checked)}
        hint={t('Only the changes since the last backup of this volume.')} />
    </FormDialog>
  );
}

export function EditVolumeModal({ volume, ...rest }: Props) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [name, setName] = useState(volume.name ?? ''); const [description, setDescription] = useState(volume.description ?? '');
  const [bootable, setBootable] = useState(isBootable(volume));
  return (
    <FormDialog title={t('Edit volume')} submitLabel={t('Save')} {...rest} submit={async () => {
      await s.api.volume.put(`/volumes/${volume.id}`, { volume: { name: name.trim(), description: description.trim() } });
      if (bootable !== isBootable(volume)) await s.api.volume.post(`/volumes/${volume.id}/action`, { 'os-set_bootable': { bootable } });
      toast(t('Volume {name} updated.', { name: name.trim() || volume.id }));
    }}>
      <TextField label={t('Volume name')} value={name} onChange={(e) => setName(e.target.value)} />
      <TextAreaField label={t('Description')} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      <CheckboxField label={t('Bootable')} checked={bootable} onChange={(e) => setBootable(e.target.checked)} />
    </FormDialog>
  );
}
