// "Create volume": empty, from an image or from a snapshot. The size cannot go below what the source
// needs (the image's min_disk or data size, the snapshot's size), so the API's refusal is rare.
import { useEffect, useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { SelectField, TextAreaField, TextField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import type { Image } from '../images/images-api';
import { label, type Snapshot, type VolumeType } from './volumes-api';

const GiB = 1024 ** 3;
type Source = 'none' | 'image' | 'snapshot';

export function CreateVolumeModal({ imageId, snapshotId, snapshots, onClose, onChanged }:
  { imageId?: string; snapshotId?: string; snapshots: Snapshot[]; onClose(): void; onChanged(): void }) {
  const t = useT();
  const s = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<Source>(imageId ? 'image' : snapshotId ? 'snapshot' : 'none');
  const [image, setImage] = useState(imageId ?? '');
  const [snapshot, setSnapshot] = useState(snapshotId ?? '');
  const [size, setSize] = useState('1');
  const [type, setType] = useState('');
  const [az, setAz] = useState('');
  const [sizeError, setSizeError] = useState<string>();

  const options = useResource(async (signal) => {
    const [types, defaultType, zones, images] = await Promise.all([
      s.api.volume.get<{ volume_types: VolumeType[] }>('/types', undefined, { signal }),
      // The type a volume gets when none is chosen, named in the placeholder (unknown is not fatal).
      s.api.volume.get<{ volume_type: VolumeType }>('/types/default', undefined, { signal }).then((r) => r.volume_type, () => undefined),
      s.api.volume.get<{ availabilityZoneInfo: { zoneName: string; zoneState: { available: boolean } }[] }>('/os-availability-zone', undefined, { signal }),
      s.api.image.get<{ images: Image[] }>('/images', { status: 'active', limit: 500 }, { signal }),
    ]);
    return { types: types.volume_types, defaultType, zones: zones.availabilityZoneInfo.filter((z) => z.zoneState.available), images: images.images };
  }, [s.token]);

  const usable = snapshots.filter((x) => x.status === 'available');
  const minSize = (() => {
    if (source === 'image') {
      const img = options.data?.images.find((i) => i.id === image);
      return img ? Math.max(1, img.min_disk ?? 0, Math.ceil((img.size ?? 0) / GiB)) : 1;
    }
    if (source === 'snapshot') return usable.find((x) => x.id === snapshot)?.size ?? 1;
    return 1;
  })();
  // Raise the size to the source's minimum when the source changes (never lower what the user typed).
  useEffect(() => { setSize((cur) => String(Math.max(minSize, parseInt(cur, 10) || 0))); }, [minSize]);

  const submit = async () => {
    const n = parseInt(size, 10);
    if (!Number.isFinite(n) || n < minSize) { setSizeError(t('The size must be at least {n} GiB.', { n: minSize })); return; }
    setSizeError(undefined);
    const volume: Record<string, unknown> = { name: name.trim() || undefined, description: description.trim() || undefined, size: n };
    if (source === 'image' && image) volume.imageRef = image;
    if (source === 'snapshot' && snapshot) volume.snapshot_id = snapshot;
    if (type) volume.volume_type = type;
    if (az) volume.availability_zone = az;
    const ok = await action.run(() => s.api.volume.post('/volumes', { volume }), t('Volume {name} is being created.', { name: name.trim() || t('(no name)') }));
    if (ok !== undefined) { onChanged(); onClose(); }
  };

  const defaultName = options.data?.defaultType?.name;
  const chosenType = options.data?.types.find((x) => x.name === type);
  return (
    <FormModal title={t('Create volume')} submitLabel={t('Create volume')} busy={action.busy} error={action.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Volume name')} value={name} onChange={(e) => setName(e.target.value)} />
      <TextAreaField label={t('Description')} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      <SelectField label={t('Volume source')} value={source} onChange={(e) => setSource(e.target.value as Source)} options={[
        { value: 'none', label: t('No source, empty volume') }, { value: 'image', label: t('Image') }, { value: 'snapshot', label: t('Volume snapshot') },
      ]} />
      {source === 'image' && (
        <SelectField label={t('Image')} required value={image} onChange={(e) => setImage(e.target.value)} placeholder={t('Choose an image')}
          options={(options.data?.images ?? []).map((i) => ({ value: i.id, label: i.name || i.id }))} />
      )}
      {source === 'snapshot' && (
        <SelectField label={t('Snapshot')} required value={snapshot} onChange={(e) => setSnapshot(e.target.value)} placeholder={t('Choose a snapshot')}
          options={usable.map((x) => ({ value: x.id, label: `${label(x)} (${x.size} GiB)` }))} />
      )}
      <TextField label={t('Size (GiB)')} type="number" min={minSize} required value={size} error={sizeError}
        hint={minSize > 1 ? t('At least {n} GiB for this source.', { n: minSize }) : undefined} onChange={(e) => setSize(e.target.value)} />
      <SelectField label={t('Volume type')} value={type} onChange={(e) => setType(e.target.value)}
        placeholder={defaultName ? t('Default type ({name})', { name: defaultName }) : t('Default type')}
        hint={chosenType?.description || undefined}
        options={(options.data?.types ?? []).filter((x) => x.name !== defaultName).map((x) => ({ value: x.name, label: x.name }))} />
      <SelectField label={t('Availability zone')} value={az} onChange={(e) => setAz(e.target.value)} placeholder={t('Any zone')}
        options={(options.data?.zones ?? []).map((z) => ({ value: z.zoneName, label: z.zoneName }))} />
      <ErrorNote error={options.error} />
    </FormModal>
  );
}
