// Create or edit a host aggregate: its name and the availability zone it exposes (empty = none).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { TextField } from '../../../components/fields';
import { FormModal } from '../../../components/FormModal';
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
    <FormModal title={aggregate ? t('Edit host aggregate') : t('Create host aggregate')} submitLabel={aggregate ? t('Save') : t('Create')}
      busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Name')} value={name} onChange={(e) => setName(e.target.value)} required error={nameError} autoFocus />
      <TextField label={t('Availability zone')} value={zone} onChange={(e) => setZone(e.target.value)}
        hint={t('Leave empty for an aggregate without its own zone.')} />
    </FormModal>
  );
}
