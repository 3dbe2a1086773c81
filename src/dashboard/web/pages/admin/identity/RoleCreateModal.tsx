// Create a (global) role.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';

export function RoleCreateModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const submit = async () => {
    if (!name.trim()) { setNameError(t('Enter a name.')); return; }
    setNameError(undefined);
    const ok = await act.run(() => api.identity.post('/roles', { role: { name: name.trim() } }).then(() => true), t('Role {name} created', { name: name.trim() }));
    if (ok) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Create role')} submitLabel={t('Create role')} busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Role name')} required value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoFocus />
    </FormModal>
  );
}
