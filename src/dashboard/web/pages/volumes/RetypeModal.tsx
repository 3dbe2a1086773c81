// "Change volume type" (os-retype). Nubis changes the type in place; a type that needs the volume on
// another storage backend would need a migration, which the API refuses with its reason.
import { useState } from 'react';
import { SelectField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { useToast } from '../../components/toast';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormDialog } from './FormDialog';
import { label, type Volume, type VolumeType } from './volumes-api';

export function RetypeModal({ volume, onClose, onChanged }: { volume: Volume; onClose(): void; onChanged(): void }) {
  const t = useT(); const s = useSession(); const toast = useToast();
  const [type, setType] = useState('');
  const [policy, setPolicy] = useState('never');
  const [err, setErr] = useState<string>();
  const types = useResource((signal) => s.api.volume.get<{ volume_types: VolumeType[] }>('/types', undefined, { signal }).then((r) => r.volume_types), [s.token]);
  const others = (types.data ?? []).filter((x) => x.name !== volume.volume_type);
  return (
    <FormDialog title={t('Change type of volume {name}', { name: label(volume) })} submitLabel={t('Change volume type')}
      onClose={onClose} onChanged={onChanged} submit={async () => {
        if (!type) { setErr(t('Choose the new volume type.')); return false; }
        await s.api.volume.post(`/volumes/${volume.id}/action`, { 'os-retype': { new_type: type, migration_policy: policy } });
        toast(t('Volume {name} now has type {type}.', { name: label(volume), type: others.find((x) => x.id === type)?.name ?? type }));
      }}>
      <p>{t('Current type: {type}', { type: volume.volume_type ?? '—' })}</p>
      <SelectField label={t('New volume type')} required value={type} error={err} onChange={(e) => setType(e.target.value)}
        placeholder={types.loading ? t('Loading…') : others.length ? t('Choose a type') : t('No other volume type')}
        options={others.map((x) => ({ value: x.id, label: x.description ? `${x.name} — ${x.description}` : x.name }))} />
      <SelectField label={t('Migration policy')} value={policy} onChange={(e) => setPolicy(e.target.value)}
        hint={t('This cloud changes the type in place; a type bound to another storage backend is refused either way.')}
        options={[
          { value: 'never', label: t('Never migrate (never)') },
          { value: 'on-demand', label: t('Migrate if needed (on-demand)') },
        ]} />
      <ErrorNote error={types.error} />
    </FormDialog>
  );
}
