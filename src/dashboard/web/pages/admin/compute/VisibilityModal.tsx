// Change who can see an image (Glance visibility), with a JSON-patch as the Glance API wants it.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { ErrorNote } from '../../../components/ErrorNote';
import { SelectField } from '../../../components/fields';
import { Modal } from '../../../components/Modal';
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
    <Modal title={t('Edit visibility')} onClose={onClose} onSubmit={() => void submit()} footer={
      <>
        <button type="button" onClick={onClose} disabled={act.busy}>{t('Cancel')}</button>
        <button type="submit" className="primary" disabled={act.busy || value === image.visibility}>{t('Save')}</button>
      </>
    }>
      <p>{t('Image {name}', { name: image.name ?? image.id })}</p>
      <SelectField label={t('Visibility')} value={value} onChange={(e) => setValue(e.target.value)} options={options} />
      <ErrorNote error={act.error} />
    </Modal>
  );
}
