// Create or edit a host aggregate: its name and the availability zone it exposes (empty = none).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { ErrorNote } from '../../../components/ErrorNote';
import { TextField } from '../../../components/fields';
import { Modal } from '../../../components/Modal';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import type { Aggregate } from './compute-data';

export function AggregateFormModal({ aggregate, onClose, onDone }: { aggregate?: Aggregate; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [name, setName] = useState(aggregate?.name ?? '');
  const [zone, setZone] = useState(aggregate?.availability_zone ?? '');
  const [touched, setTouched] = useState(false);
  const nameError = touched && !name.trim() ? t('Enter a name.') : undefined;

  const submit = async () => {
    setTouched(true);
    if (!name.trim()) return;
    const body = { aggregate: { name: name.trim(), availability_zone: zone.trim() || null } };
    const ok = await act.run(() => aggregate
      ? api.compute.put(`/os-aggregates/${aggregate.id}`, body)
      : api.compute.post('/os-aggregates', body),
    aggregate ? t('Host aggregate {name} updated', { name: name.trim() }) : t('Host aggregate {name} created', { name: name.trim() }));
    if (ok !== undefined) { onDone(); onClose(); }
  };

  return (
    <Modal title={aggregate ? t('Edit host aggregate') : t('Create host aggregate')} onClose={onClose} onSubmit={() => void submit()} footer={
      <>
        <button type="button" onClick={onClose} disabled={act.busy}>{t('Cancel')}</button>
        <button type="submit" className="primary" disabled={act.busy}>{aggregate ? t('Save') : t('Create')}</button>
      </>
    }>
      <TextField label={t('Name')} value={name} onChange={(e) => setName(e.target.value)} required error={nameError} autoFocus />
      <TextField label={t('Availability zone')} value={zone} onChange={(e) => setZone(e.target.value)}
        hint={t('Leave empty for an aggregate without its own zone.')} />
      <ErrorNote error={act.error} />
    </Modal>
  );
}
