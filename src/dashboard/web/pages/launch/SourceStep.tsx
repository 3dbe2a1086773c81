// Step 2: what the instance boots from — an image, an instance snapshot, a volume or a volume
// snapshot — and, for images, whether to copy it onto a new volume.
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { formatBytes, shortId } from '../../components/format';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { imageVolumeSize, isSnapshotImage, type Image, type Volume, type VolumeSnapshot } from './launch-data';
import type { BootSource } from './launch-form';
import type { StepProps } from './step-props';

interface Item { id: string; name: string; size: string; sizeSort: number; detail: string }

const itemName = (x: { id: string; name?: string | null }) => x.name || shortId(x.id);

export function SourceStep({ form, update, errors, data }: StepProps) {
  const t = useT();
  const fromImage = form.source === 'image' || form.source === 'snapshot';
  const res = fromImage ? data.images : form.source === 'volume' ? data.volumes : data.volumeSnapshots;
  const items = toItems(form.source, data, t);
  const chosen = items.find((i) => i.id === form.sourceId);
  const noun = { image: t('Images'), snapshot: t('Instance snapshots'), volume: t('Volumes'), volume_snapshot: t('Volume snapshots') }[form.source];

  const pick = (id: string) => {
    const image = fromImage ? data.images.data?.find((i) => i.id === id) : undefined;
    update({ sourceId: id, ...(image ? { volumeSize: imageVolumeSize(image) } : {}) });
  };

  const columns: Column<Item>[] = [
    {
      key: 'pick', header: t('Select'),
      render: (r) => (
        <input type="radio" name="launch-source" aria-label={r.name} checked={form.sourceId === r.id} onChange={() => pick(r.id)} />
      ),
    },
    { key: 'name', header: t('Name'), render: (r) => r.name, sort: (r) => r.name.toLowerCase() },
    { key: 'size', header: t('Size'), render: (r) => r.size, sort: (r) => r.sizeSort },
    { key: 'detail', header: t('Details'), render: (r) => r.detail, secondary: true },
  ];

  return (
    <div>
      <SelectField label={t('Boot source')} value={form.source}
        onChange={(e) => update({ source: e.target.value as BootSource, sourceId: '' })}
        options={[
          { value: 'image', label: t('Image') }, { value: 'snapshot', label: t('Instance snapshot') },
          { value: 'volume', label: t('Volume') }, { value: 'volume_snapshot', label: t('Volume snapshot') },
        ]} />
      {fromImage && (
        <fieldset className="launch-volume">
          <legend>{t('Boot disk')}</legend>
          <CheckboxField label={t('Create a new volume')} checked={form.newVolume} onChange={(e) => update({ newVolume: e.target.checked })}
            hint={t('The image is copied onto a new volume that the instance boots from.')} />
          {form.newVolume && (
            <TextField label={t('Volume size (GiB)')} type="number" min={1} step={1} inputMode="numeric" error={errors.volumeSize}
              value={Number.isNaN(form.volumeSize) ? '' : form.volumeSize}
              onChange={(e) => update({ volumeSize: e.target.value === '' ? NaN : Number(e.target.value) })} />
          )}
        </fieldset>
      )}
      {(!fromImage || form.newVolume) && (
        <CheckboxField label={t('Delete volume on instance delete')} checked={form.deleteOnTermination}
          onChange={(e) => update({ deleteOnTermination: e.target.checked })} />
      )}
      <h3 id="launch-source-list">{noun}</h3>
      {errors.sourceId && <p className="field-error" role="alert">{errors.sourceId}</p>}
      {chosen && <p className="field-hint">{t('Selected: {name}', { name: chosen.name })}</p>}
      <ErrorNote error={res.error} title={noun} />
      {res.loading && !res.data ? <Loading /> : (
        <DataTable label={noun} rows={items} columns={columns} rowKey={(r) => r.id} filterText={(r) => `${r.name} ${r.id} ${r.detail}`}
          pageSize={10}
          empty={<EmptyState title={t('There is nothing to boot from here yet.')}
            hint={fromImage ? t('Upload an image first, or choose another boot source.') : t('Create a volume first, or choose another boot source.')}
            action={<button type="button" onClick={() => navigate(fromImage ? '/project/images' : '/project/volumes')}>{fromImage ? t('Go to images') : t('Go to volumes')}</button>} />} />
      )}
    </div>
  );
}

function toItems(source: BootSource, data: StepProps['data'], t: ReturnType<typeof useT>): Item[] {
  if (source === 'image' || source === 'snapshot') {
    const images: Image[] = (data.images.data ?? []).filter((i) => isSnapshotImage(i) === (source === 'snapshot'));
    return images.map((i) => ({
      id: i.id, name: itemName(i), size: formatBytes(i.size), sizeSort: i.size ?? 0,
      detail: [i.disk_format, i.min_disk ? t('min disk {n} GiB', { n: i.min_disk }) : '', i.min_ram ? t('min RAM {n} MiB', { n: i.min_ram }) : '', i.visibility]
        .filter(Boolean).join(' · '),
    }));
  }
  if (source === 'volume') {
    // Bootable volumes first: they are the ones made to boot from.
    const vols: Volume[] = [...(data.volumes.data ?? [])].sort((a, b) => Number(b.bootable === 'true') - Number(a.bootable === 'true'));
    return vols.map((v) => ({
      id: v.id, name: itemName(v), size: `${v.size} GiB`, sizeSort: v.size,
      detail: [v.bootable === 'true' ? t('bootable') : t('not bootable'), v.volume_type ?? ''].filter(Boolean).join(' · '),
    }));
  }
  return (data.volumeSnapshots.data ?? []).map((s: VolumeSnapshot) => ({
    id: s.id, name: itemName(s), size: `${s.size} GiB`, sizeSort: s.size, detail: t('of volume {id}', { id: shortId(s.volume_id) }),
  }));
}
