// Edit a flavor's extra specs: add or change a key (POST merges), delete a key.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ErrorNote } from '../../../components/ErrorNote';
import { TextField } from '../../../components/fields';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog, Modal } from '../../../components/Modal';
import { useToast } from '../../../components/toast';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import type { Flavor } from './compute-data';

export function ExtraSpecsModal({ flavor, onClose, onDone }: { flavor: Flavor; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const toast = useToast();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [deleting, setDeleting] = useState<string>();
  const base = `/flavors/${encodeURIComponent(flavor.id)}/os-extra_specs`;
  const specs = useResource((signal) => api.compute.get<{ extra_specs: Record<string, string> }>(base, undefined, { signal }).then((r) => r.extra_specs), [flavor.id]);

  const save = async () => {
    if (!key.trim()) return;
    const r = await act.run(() => api.compute.post(base, { extra_specs: { [key.trim()]: value } }), t('Extra spec {key} saved', { key: key.trim() }));
    if (r !== undefined) { setKey(''); setValue(''); await specs.reload(); onDone(); }
  };
  // Inside ConfirmDialog: a failure stays in the confirmation, beside its button.
  const remove = async (k: string) => {
    await api.compute.del(`${base}/${encodeURIComponent(k)}`);
    toast(t('Extra spec {key} deleted', { key: k }));
    await specs.reload();
    onDone();
  };

  return (
    <Modal title={t('Extra specs of {name}', { name: flavor.name })} onClose={onClose} wide footer={
      <button type="button" onClick={onClose}>{t('Close')}</button>
    }>
      <ErrorNote error={specs.error} />
      {specs.loading ? <Loading /> : Object.keys(specs.data ?? {}).length === 0 ? <p className="muted">{t('No extra specs yet. Add one below.')}</p> : (
        <ul className="host-list" aria-label={t('Extra specs')}>
          {Object.entries(specs.data ?? {}).map(([k, v]) => (
            <li key={k}>
              <span><strong>{k}</strong> = {v}</span>
              <span className="row-buttons">
                <button type="button" onClick={() => { setKey(k); setValue(v); }} aria-label={t('Change {key}', { key: k })}>{t('Change')}</button>
                <button type="button" className="danger" disabled={act.busy} onClick={() => setDeleting(k)} aria-label={t('Delete {key}', { key: k })}>{t('Delete')}</button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="spec-add" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <TextField label={t('Key')} value={key} onChange={(e) => setKey(e.target.value)} placeholder="hw:cpu_policy" maxLength={255} />
        <TextField label={t('Value')} value={value} onChange={(e) => setValue(e.target.value)} maxLength={255} />
        <button type="submit" className="primary" disabled={!key.trim() || act.busy}>{t('Save extra spec')}</button>
      </form>
      <ErrorNote error={act.error} />
      {deleting !== undefined && (
        <ConfirmDialog title={t('Delete extra spec')} confirmLabel={t('Delete')} onClose={() => setDeleting(undefined)}
          message={t('Delete extra spec {key} of flavor {name}?', { key: deleting, name: flavor.name })}
          onConfirm={() => remove(deleting)} />
      )}
    </Modal>
  );
}
