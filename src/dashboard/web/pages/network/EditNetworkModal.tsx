// "Edit network": its name and admin state (PUT /networks/{id}).
import { useState } from 'react';
import { CheckboxField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import type { Network } from './neutron';

export function EditNetworkModal({ network, onClose, onDone }: { network: Network; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState(network.name);
  const [adminUp, setAdminUp] = useState(network.admin_state_up);
  const submit = async () => {
    const ok = await action.run(() => api.network.put(`/networks/${network.id}`, { network: { name: name.trim(), admin_state_up: adminUp } }),
      t('Network {name} updated.', { name: name.trim() || network.id }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Edit network')} submitLabel={t('Save')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Network name')} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <CheckboxField label={t('Admin state up')} checked={adminUp} onChange={(e) => setAdminUp(e.target.checked)} />
    </FormModal>
  );
}
