// Change who can see an image (Glance visibility), with a JSON-patch as the Glance API wants it.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { SelectField } from '../../../components/fields';
import { FormModal } from '../../../components/FormModal';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';

export interface Image {
  id: string; name: string | null; owner: string; visibility: string; status: string; size: number | null;
  disk_format?: string; created_at?: string; protected?: boolean;
}

export function VisibilityModal({ image, onClose, onDone }: { image: Image; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [value, setValue] = useState(image.visibility);
  const options = [
    { value: 'public', label: t('Public: every project') },
    { value: 'community', label: t('Community: every project, not listed by default') },
    { value: 'shared', label: t('Shared: the owner and its members') },
    { value: 'private', label: t('Private: the owner only') },
  ];
  const submit = async () => {
    const r = await act.run(() => api.image.call(`/images/${image.id}`, {
      method: 'PATCH', body: [{ op: 'replace', path: '/visibility', value }],
      headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    }), t('Image {name} is now {visibility}', { name: image.name ?? image.id, visibility: value }));
    if (r !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Edit visibility')} submitLabel={t('Save')} busy={act.busy} error={act.error}
      submitDisabled={value === image.visibility} onSubmit={() => void submit()} onClose={onClose}>
      <p>{t('Image {name}', { name: image.name ?? image.id })}</p>
      <SelectField label={t('Visibility')} value={value} onChange={(e) => setValue(e.target.value)} options={options} />
    </FormModal>
  );
}
