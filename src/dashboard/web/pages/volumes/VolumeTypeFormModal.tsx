// Create a volume type (name, description, public, optional extra specs) or edit one's name,
// description and visibility (its extra specs have their own dialog).
import { useState } from 'react';
import { CheckboxField, TextAreaField, TextField } from '../../components/fields';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { parseSpecs } from './spec-lines';
import type { VolumeType } from './volumes-api';

export function VolumeTypeFormModal({ type, onClose, onDone }: { type?: VolumeType; onClose(): void; onDone(): void }) {
  const t = useT(); const { api } = useSession(); const action = useAction();
  const [name, setName] = useState(type?.name ?? '');
  const [description, setDescription] = useState(type?.description ?? '');
  const [isPublic, setPublic] = useState(type ? type.is_public !== false : true);
  const [specs, setSpecs] = useState('');
  const [errors, setErrors] = useState<{ name?: string; specs?: string }>({});

  const submit = async () => {
    const parsed = parseSpecs(specs, t);
    const e = { name: name.trim() ? undefined : t('Enter a name.'), specs: parsed.error };
    setErrors(e);
    if (e.name || e.specs) return;
    const body = type
      ? { volume_type: { name: name.trim(), description: description.trim(), is_public: isPublic } }
      : { volume_type: { name: name.trim(), description: description.trim() || undefined, 'os-volume-type-access:is_public': isPublic, extra_specs: parsed.specs } };
    const done = type ? t('Volume type {name} saved.', { name: name.trim() }) : t('Volume type {name} created.', { name: name.trim() });
    const out = await action.run(() => (type ? api.volume.put(`/types/${type.id}`, body) : api.volume.post('/types', body)).then(() => true), done);
    if (out) { onDone(); onClose(); }
  };

  return (
    <FormModal title={type ? t('Edit volume type {name}', { name: type.name }) : t('Create volume type')}
      submitLabel={type ? t('Save') : t('Create volume type')} busy={action.busy} error={action.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Volume type name')} required value={name} error={errors.name} maxLength={255} autoFocus
        onChange={(e) => setName(e.target.value)} />
      <TextAreaField label={t('Description')} rows={2} maxLength={255} value={description} onChange={(e) => setDescription(e.target.value)} />
      <CheckboxField label={t('Public')} checked={isPublic} onChange={(e) => setPublic(e.target.checked)}
        hint={t('Every project can use a public type; a private one only the projects given access.')} />
      {!type && (
        <TextAreaField label={t('Extra specs')} rows={3} value={specs} error={errors.specs} placeholder="volume_backend_name=file"
          hint={t('Optional, one key=value a line. They cannot be changed later while volumes use the type.')}
          onChange={(e) => setSpecs(e.target.value)} />
      )}
    </FormModal>
  );
}
