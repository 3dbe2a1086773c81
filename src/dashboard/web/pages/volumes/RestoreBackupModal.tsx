// "Restore backup": to a new volume by default (Cinder creates it), or over an available volume.
import { useState } from 'react';
import { SelectField, TextField } from '../../components/fields';
import { useToast } from '../../components/toast';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormDialog } from './FormDialog';
import { label, type Backup, type Volume } from './volumes-api';

export function RestoreBackupModal({ backup, volumes, onClose, onChanged }: { backup: Backup; volumes: Volume[]; onClose(): void; onChanged(): void }) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const candidates = volumes.filter((v) => v.status === 'available' && v.size >= backup.size);
  return (
    <FormDialog title={t('Restore backup')} submitLabel={t('Restore backup')} onClose={onClose} onChanged={onChanged} submit={async () => {
      const restore = target ? { volume_id: target } : { name: name.trim() || undefined };
      await s.api.volume.post(`/backups/${backup.id}/restore`, { restore });
      toast(t('Backup {name} is being restored.', { name: label(backup) }));
    }}>
      <p>{t('Backup: {name} ({n} GiB)', { name: label(backup), n: backup.size })}</p>
      <SelectField label={t('Restore to')} value={target} onChange={(e) => setTarget(e.target.value)} placeholder={t('A new volume')}
        options={candidates.map((v) => ({ value: v.id, label: t('Overwrite {name} ({n} GiB)', { name: label(v), n: v.size }) }))} />
      {!target && <TextField label={t('New volume name')} value={name} onChange={(e) => setName(e.target.value)} />}
    </FormDialog>
  );
}
