// "Edit image": Glance v2 changes an image with a JSON-patch list, so only what changed is sent
// (replace for core fields, add/replace/remove for custom properties); tags go through their own
// calls (PUT/DELETE /images/{id}/tags/{tag}), as the openstack CLI sends them.
import { useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { customProperties, imageLabel, type Image } from './images-api';
import { TagsEditor } from './TagsEditor';
import { ApiError } from '../../api/http';

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
  const originalTags = image.tags ?? [];
  const [tags, setTags] = useState<string[]>(originalTags);
  const [tagDraft, setTagDraft] = useState('');

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
    // A tag typed but not yet added is surely meant to be saved too.
    const typed = tagDraft.trim();
    const wanted = typed && !tags.includes(typed) ? [...tags, typed] : tags;
    const added = wanted.filter((x) => !originalTags.includes(x));
    const removed = originalTags.filter((x) => !wanted.includes(x));
    if (list.length === 0 && added.length === 0 && removed.length === 0) { onClose(); return; }
    const tagPath = (tag: string) => `/images/${image.id}/tags/${encodeURIComponent(tag)}`;
    const ok = await action.run(async () => {
      try {
        if (list.length) {
          await s.api.image.call(`/images/${image.id}`, {
            method: 'PATCH', body: list, headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
          });
        }
        // A tag already gone (removed elsewhere, or by an earlier try of this Save) is what we want.
        for (const tag of removed) await s.api.image.del(tagPath(tag)).catch((err) => { if (!(err instanceof ApiError && err.status === 404)) throw err; });
        for (const tag of added) await s.api.image.put(tagPath(tag));
      } finally {
        // Part may have been applied before an error: show the table as it now is.
        onChanged();
      }
      return true;
    }, t('Image {name} updated.', { name: name.trim() || image.id }));
    if (ok) onClose();
  };

  const setProp = (i: number, patch: Partial<{ key: string; value: string }>) =>
    setProps((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  return (
    <FormModal title={t('Edit image')} wide submitLabel={t('Save')} busy={action.busy} error={action.error}
      onClose={() => { if (!action.busy) onClose(); }} onSubmit={() => void save()}>
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
      <TagsEditor tags={tags} onChange={setTags} draft={tagDraft} setDraft={setTagDraft} />
    </FormModal>
  );
}
