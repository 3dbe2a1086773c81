// Add compute hosts to a host aggregate or remove them (each change is one aggregate action).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ErrorNote } from '../../../components/ErrorNote';
import { SelectField } from '../../../components/fields';
import { ConfirmDialog, Modal } from '../../../components/Modal';
import { useToast } from '../../../components/toast';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { loadComputeHosts, type Aggregate } from './compute-data';

export function AggregateHostsModal({ aggregate, onClose, onDone }: { aggregate: Aggregate; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const toast = useToast();
  const [current, setCurrent] = useState(aggregate);
  const [pick, setPick] = useState('');
  const [removing, setRemoving] = useState<string>();
  const hosts = useResource(() => loadComputeHosts(api.compute), []);
  const addable = (hosts.data ?? []).filter((h) => !current.hosts.includes(h));

  const post = (kind: 'add_host' | 'remove_host', host: string) =>
    api.compute.post<{ aggregate: Aggregate }>(`/os-aggregates/${aggregate.id}/action`, { [kind]: { host } });
  const add = async (host: string) => {
    const r = await act.run(() => post('add_host', host), t('Host {host} added', { host }));
    if (r) { setCurrent(r.aggregate); setPick(''); onDone(); }
  };
  // Inside ConfirmDialog: a failure stays in the confirmation, beside its button.
  const remove = async (host: string) => {
    const r = await post('remove_host', host);
    toast(t('Host {host} removed', { host }));
    setCurrent(r.aggregate);
    onDone();
  };

  return (
    <Modal title={t('Manage hosts of {name}', { name: aggregate.name })} onClose={onClose} footer={
      <button type="button" onClick={onClose}>{t('Close')}</button>
    }>
      <h3>{t('Hosts in this aggregate')}</h3>
      {current.hosts.length === 0 ? <p className="muted">{t('No hosts yet. Add one below.')}</p> : (
        <ul className="host-list">
          {current.hosts.map((h) => (
            <li key={h}><span>{h}</span>
              <button type="button" className="danger" disabled={act.busy} onClick={() => setRemoving(h)}
                aria-label={t('Remove host {host}', { host: h })}>{t('Remove')}</button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={hosts.error} />
      <form className="add-host" onSubmit={(e) => { e.preventDefault(); if (pick) void add(pick); }}>
        <SelectField label={t('Host to add')} value={pick} onChange={(e) => setPick(e.target.value)}
          placeholder={hosts.loading ? t('Loading…') : addable.length ? t('Choose a host') : t('No other hosts')}
          options={addable.map((h) => ({ value: h, label: h }))} />
        <button type="submit" className="primary" disabled={!pick || act.busy}>{t('Add host')}</button>
      </form>
      <ErrorNote error={act.error} />
      {removing !== undefined && (
        <ConfirmDialog title={t('Remove host')} confirmLabel={t('Remove')} onClose={() => setRemoving(undefined)}
          message={t('Remove host {host} from {name}?', { host: removing, name: aggregate.name })}
          onConfirm={() => remove(removing)} />
      )}
    </Modal>
  );
}
