// "Create image": the image record first (POST /images), then its data with a visible upload progress;
// "Cancel upload" aborts the transfer and deletes the queued image so nothing half-made is left.
import { useId, useRef, useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { formatBytes } from '../../components/format';
import { useToast } from '../../components/toast';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { DISK_FORMATS, guessDiskFormat, type Image } from './images-api';
import { uploadImageData, type UploadHandle } from './upload';

type Phase = 'form' | 'creating' | 'uploading' | 'done';

export function CreateImageModal({ onClose, onChanged }: { onClose(): void; onChanged(): void }) {
  const t = useT();
  const s = useSession();
  const toast = useToast();
  const uid = useId();
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [diskFormat, setDiskFormat] = useState('qcow2');
  const [visibility, setVisibility] = useState('private');
  const [minDisk, setMinDisk] = useState('0');
  const [minRam, setMinRam] = useState('0');
  const [isProtected, setProtected] = useState(false);
  const [phase, setPhase] = useState<Phase>('form');
  const [error, setError] = useState<unknown>();
  const [nameError, setNameError] = useState<string>();
  const [progress, setProgress] = useState({ loaded: 0, total: 0 });
  const upload = useRef<UploadHandle>(undefined);
  const imageId = useRef<string>(undefined);
  // Bumped by "Create another image": remounts the form so the file input is emptied too.
  const [round, setRound] = useState(0);

  const visibilities = [
    { value: 'private', label: t('Private') }, { value: 'shared', label: t('Shared') },
    { value: 'community', label: t('Community') },
    ...(s.isAdmin ? [{ value: 'public', label: t('Public') }] : []),
  ];

  const pickFile = (f: File | null) => {
    setFile(f);
    const guess = f && guessDiskFormat(f.name);
    if (guess) setDiskFormat(guess);
    if (f && !name.trim()) setName(f.name.replace(/\.[^.]+$/, ''));
  };

  const submit = async () => {
    if (!name.trim()) { setNameError(t('Enter a name for the image.')); return; }
    setNameError(undefined);
    setError(undefined);
    setPhase('creating');
    let img: Image;
    try {
      img = await s.api.image.post<Image>('/images', {
        name: name.trim(), disk_format: diskFormat, container_format: 'bare', visibility,
        min_disk: Math.max(0, parseInt(minDisk, 10) || 0), min_ram: Math.max(0, parseInt(minRam, 10) || 0), protected: isProtected,
      });
    } catch (err) {
      setError(err);
      setPhase('form');
      return;
    }
    imageId.current = img.id;
    onChanged();
    if (!file) { toast(t('Image {name} created (no data yet).', { name: img.name ?? img.id })); onClose(); return; }
    setPhase('uploading');
    setProgress({ loaded: 0, total: file.size });
    const h = uploadImageData(s.api.image.base, s.token, img.id, file, (loaded, total) => setProgress({ loaded, total }));
    upload.current = h;
    try {
      await h.done;
      setPhase('done');
      toast(t('Image {name} uploaded.', { name: img.name ?? img.id }));
      onChanged();
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      // The record without data is of no use: remove it so a corrected retry does not leave a duplicate.
      imageId.current = undefined;
      await s.api.image.del(`/images/${img.id}`).catch(() => undefined);
      setError(err);
      setPhase('form');
      onChanged();
    } finally {
      upload.current = undefined;
    }
  };

  const cancelUpload = async () => {
    upload.current?.abort();
    const id = imageId.current;
    imageId.current = undefined;
    try {
      if (id) await s.api.image.del(`/images/${id}`);
      toast(t('Upload cancelled; the image was deleted.'));
      onChanged();
      onClose();
    } catch (err) {
      setError(err);
      setPhase('form');
      onChanged();
    }
  };

  const startOver = () => {
    setName(''); setFile(null); setDiskFormat('qcow2'); setVisibility('private'); setMinDisk('0'); setMinRam('0'); setProtected(false);
    setError(undefined); setProgress({ loaded: 0, total: 0 }); setPhase('form'); setRound((r) => r + 1);
  };

  const pct = progress.total > 0 ? Math.floor((progress.loaded / progress.total) * 100) : 0;
  const busy = phase === 'creating' || phase === 'uploading';
  const showProgress = phase === 'uploading' || phase === 'done';

  return (
    // While uploading only "Cancel upload" acts; once done, Close, or start over for another image.
    <FormModal title={t('Create image')} busy={busy} error={error}
      submitLabel={phase === 'creating' ? t('Creating…') : phase === 'uploading' ? t('Uploading…') : phase === 'done' ? t('Create another image') : t('Create image')}
      cancelLabel={phase === 'done' ? t('Close') : undefined}
      onClose={() => { if (!busy) onClose(); }}
      onSubmit={() => { if (phase === 'form') void submit(); else if (phase === 'done') startOver(); }}
      extraButtons={phase === 'uploading' && <button type="button" className="danger" onClick={() => void cancelUpload()}>{t('Cancel upload')}</button>}>
      {/* First in the dialog so it stays in view on small screens while the form is locked. */}
      {showProgress && (
        <div className="field upload-progress">
          <label htmlFor={`${uid}-progress`}>{t('Upload progress')}</label>
          <progress id={`${uid}-progress`} max={100} value={phase === 'done' ? 100 : pct}>{phase === 'done' ? 100 : pct}%</progress>
          {/* Only the end is announced: a live percentage would talk over everything. */}
          <div role="status">
            {phase === 'done'
              ? <>100% · {t('Upload complete')}</>
              : <span aria-hidden="true">{pct}% · {t('{loaded} of {total}', { loaded: formatBytes(progress.loaded), total: formatBytes(progress.total) })}</span>}
          </div>
        </div>
      )}
      <fieldset disabled={phase !== 'form'} className="plain-fieldset" key={round}>
        <TextField label={t('Image name')} required value={name} error={nameError} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor={`${uid}-file`}>{t('Image file')}</label>
          <input id={`${uid}-file`} type="file" onChange={(e) => pickFile(e.target.files?.[0] ?? null)} />
          {file && <div className="field-hint">{formatBytes(file.size)}</div>}
        </div>
        <SelectField label={t('Disk format')} value={diskFormat} onChange={(e) => setDiskFormat(e.target.value)}
          options={DISK_FORMATS.map((f) => ({ value: f, label: f }))} />
        <SelectField label={t('Visibility')} value={visibility} onChange={(e) => setVisibility(e.target.value)} options={visibilities} />
        <TextField label={t('Minimum disk (GiB)')} type="number" min={0} value={minDisk} onChange={(e) => setMinDisk(e.target.value)} />
        <TextField label={t('Minimum RAM (MiB)')} type="number" min={0} value={minRam} onChange={(e) => setMinRam(e.target.value)} />
        <CheckboxField label={t('Protected')} checked={isProtected} onChange={(e) => setProtected(e.target.checked)}
          hint={t('A protected image cannot be deleted until this is unset.')} />
      </fieldset>
    </FormModal>
  );
}
