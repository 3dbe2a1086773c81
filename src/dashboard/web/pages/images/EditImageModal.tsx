// "Edit image": Glance v2 changes an image with a JSON-patch list, so only what changed is sent
// (replace for core fields, add/replace/remove for custom properties).
import { useState } from 'react';
import { Modal } from '../../components/Modal';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { customProperties, imageLabel, type Image } from './images-api';

interface PatchOp { op: 'replace' | 'add' | 'remove'; path: string; value?: unknown }
const ptr = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

export function EditImageModal({ image, onClose, onChanged }: { image: Image; onClose(): void; onChanged(): void }) {
  const t = useT();
  const s = useSession();
  const action = useAction();
  const [name, setName] = useState(image.name ?? '');
  const [visibility, setVisibility] = useState<string>(image.visibility);
  const [isProtected, setProtected] = useState(image.protected);
  const [minDisk, setMinDisk] = useState(String(image.min_disk ?? 0));
  const [minRam, setMinRam] = useState(String(image.min_ram ?? 0));
  const original = customProperties(image);
  const [props, setProps] = useState(Object.entries(original).map(([key, value]) => ({ key, value })));

  const visibilities = ['private', 'shared', 'community', ...(s.isAdmin || image.visibility === 'public' ? ['public'] : [])]
    .map((v) => ({ value: v, label: t(v[0].toUpperCase() + v.slice(1)) }));

  const ops = (): PatchOp[] => {
    const out: PatchOp[] = [];
    const core: [string, unknown, unknown][] = [
      ['name', name.trim(), image.name ?? ''], ['visibility', visibility, image.visibility], ['protected', isProtected, image.protected],
      ['min_disk', Math.max(0, parseInt(minDisk, 10) || 0), image.min_disk], ['min_ram', Math.max(0, parseInt(minRam, 10) || 0), image.min_ram],
    ];
    for (const [k, v, was] of core) if (v !== was) out.push({ op: 'replace', path: `/${k}`, value: v });
    const now = new Map(props.filter((p) => p.key.trim()).map((p) => [p.key.trim(), p.value]));
    for (const k of Object.keys(original)) if (!now.has(k)) out.push({ op: 'remove', path: ptr(k) });
    for (const [k, v] of now) {
      if (!(k in original)) out.push({ op: 'add', path: ptr(k), value: v });
      else if (original[k] !== v) out.push({ op: 'replace', path: ptr(k), value: v });
    }
    return out;
  };

  const save = async () => {
    const list = ops();
    if (list.length === 0) { onClose(); return; }
    const ok = await action.run(() => s.api.image.call(`/images/${image.id}`, {
      method: 'PATCH', body: list, headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    }), t('Image {name} updated.', { name: name.trim() || image.id }));
    if (ok !== undefined) { onChanged(); onClose(); }
  };

  const setProp = (i: number, patch: Partial<{ key: string; value: string }>) =>
    setProps((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  return (
    <Modal title={t('Edit image')} wide onClose={onClose} onSubmit={() => void save()} footer={
      <>
        <button type="button" onClick={onClose} disabled={action.busy}>{t('Cancel')}</button>
        <button type="submit" className="primary" disabled={action.busy}>{t('Save')}</button>
      </>
    }>
      <p className="muted">{imageLabel(image)}</p>
      <TextField label={t('Image name')} value={name} onChange={(e) => setName(e.target.value)} />
      <SelectField label={t('Visibility')} value={visibility} onChange={(e) => setVisibility(e.target.value)} options={visibilities} />
      <TextField label={t('Minimum disk (GiB)')} type="number" min={0} value={minDisk} onChange={(e) => setMinDisk(e.target.value)} />
      <TextField label={t('Minimum RAM (MiB)')} type="number" min={0} value={minRam} onChange={(e) => setMinRam(e.target.value)} />
      <CheckboxField label={t('Protected')} checked={isProtected} onChange={(e) => setProtected(e.target.checked)} />
      <h3>{t('Custom properties')}</h3>
      <div className="kv-rows">
        {props.map((p, i) => (
          <div className="kv-row" key={i}>
            <TextField label={t('Property {n} key', { n: i + 1 })} value={p.key} onChange={(e) => setProp(i, { key: e.target.value })} />
            <TextField label={t('Property {n} value', { n: i + 1 })} value={p.value} onChange={(e) => setProp(i, { value: e.target.value })} />
            <button type="button" onClick={() => setProps((ps) => ps.filter((_, j) => j !== i))}
              aria-label={t('Remove property {n}', { n: i + 1 })}>{t('Remove')}</button>
          </div>
        ))}
      </div>
      <button type="button" onClick={() => setProps((ps) => [...ps, { key: '', value: '' }])}>{t('Add property')}</button>
      <ErrorNote error={action.error} />
    </Modal>
  );
}
