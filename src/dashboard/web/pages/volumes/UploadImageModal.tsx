// "Upload to image" (os-volume_upload_image): Cinder makes a queued image and copies the volume into
// it; the volume shows "uploading" meanwhile and then returns. The dialog ends by saying where the
// image is, since it appears on another page.
import { useState } from 'react';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { FormModal } from '../../components/FormModal';
import { Modal } from '../../components/Modal';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { label, type Volume } from './volumes-api';

interface Started { image_id: string; image_name: string; disk_format: string }

export function UploadImageModal({ volume, onClose, onChanged }: { volume: Volume; onClose(): void; onChanged(): void }) {
  const t = useT(); const s = useSession(); const action = useAction();
  const inUse = volume.status === 'in-use';
  const [name, setName] = useState(volume.name ?? '');
  // qcow2 by default: an empty or sparse volume makes a small image (raw copies every byte).
  const [format, setFormat] = useState('qcow2');
  const [visibility, setVisibility] = useState('private');
  const [force, setForce] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; force?: string }>({});
  const [started, setStarted] = useState<Started>();

  const submit = async () => {
    const e = {
      name: name.trim() ? undefined : t('Enter a name for the image.'),
      force: inUse && !force ? t('The volume is attached: tick this box to upload it anyway.') : undefined,
    };
    setErrors(e);
    if (e.name || e.force) return;
    const out = await action.run(() => s.api.volume.post<{ 'os-volume_upload_image': Started }>(`/volumes/${volume.id}/action`, {
      'os-volume_upload_image': { image_name: name.trim(), disk_format: format, container_format: 'bare', visibility, force: inUse },
    }));
    if (!out) return;
    setStarted(out['os-volume_upload_image']);
    onChanged();
  };

  if (started) {
    return (
      <Modal title={t('Upload to image started')} onClose={onClose} footer={
        <button type="button" className="primary" onClick={onClose} autoFocus>{t('Done')}</button>
      }>
        <p>{t('Volume {volume} is being copied to image {image}. The volume shows "uploading" until the copy ends, then it is {status} again.',
          { volume: label(volume), image: started.image_name, status: volume.status })}</p>
        <dl className="props">
          <dt>{t('Image name')}</dt><dd>{started.image_name}</dd>
          <dt>{t('Image ID')}</dt><dd><code>{started.image_id}</code></dd>
          <dt>{t('Disk format')}</dt><dd>{started.disk_format}</dd>
        </dl>
        <p>{t('The image is listed on the Images page; it becomes active when the copy is done.')}{' '}
          <Link to="/project/images" onClick={onClose}>{t('Go to Images')}</Link></p>
      </Modal>
    );
  }

  return (
    <FormModal title={t('Upload volume {name} to an image', { name: label(volume) })} submitLabel={t('Upload to image')}
      busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Image name')} required value={name} error={errors.name} maxLength={255} autoFocus
        onChange={(e) => setName(e.target.value)} />
      <SelectField label={t('Disk format')} value={format} onChange={(e) => setFormat(e.target.value)}
        hint={t('qcow2 keeps only the data written; raw copies every byte of the volume.')}
        options={[{ value: 'qcow2', label: t('qcow2 (QEMU copy-on-write)') }, { value: 'raw', label: t('raw (byte for byte)') }]} />
      <SelectField label={t('Image visibility')} value={visibility} onChange={(e) => setVisibility(e.target.value)} options={[
        { value: 'private', label: t('Private (this project)') },
        { value: 'shared', label: t('Shared (with projects you add)') },
        { value: 'community', label: t('Community (every project, not listed by default)') },
        ...(s.isAdmin ? [{ value: 'public', label: t('Public (every project)') }] : []),
      ]} />
      {inUse && (
        <>
          <CheckboxField label={t('Upload although the volume is attached')} checked={force} onChange={(e) => setForce(e.target.checked)}
            hint={t('The copy is taken while the instance may still write to the volume: the image may be inconsistent.')} />
          {errors.force && <div className="field-error" role="alert">{errors.force}</div>}
        </>
      )}
    </FormModal>
  );
}
