// "Create network": the network, then (optionally) its first subnet. If the subnet fails the network
// stays, and the dialog says so and shows the subnet's error.
import { useState } from 'react';
import { CheckboxField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import { SubnetFields, checkSubnet, subnetBody, useSubnetDraft, type SubnetErrors } from './SubnetFields';
import type { Network } from './neutron';

export function CreateNetworkModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const toast = useToast();
  const { api, isAdmin } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [adminUp, setAdminUp] = useState(true);
  const [shared, setShared] = useState(false);
  const [external, setExternal] = useState(false);
  const [withSubnet, setWithSubnet] = useState(true);
  const { draft, set } = useSubnetDraft();
  const [errors, setErrors] = useState<SubnetErrors>({});
  // Once the network exists, a retry only creates the subnet.
  const [created, setCreated] = useState<Network>();

  const submit = async () => {
    const errs = withSubnet ? checkSubnet(draft, t) : {};
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const ok = await action.run(async () => {
      let net = created;
      if (!net) {
        const body = { network: { name: name.trim(), admin_state_up: adminUp, ...(isAdmin ? { shared, 'router:external': external } : {}) } };
        net = (await api.network.post<{ network: Network }>('/networks', body)).network;
        setCreated(net);
        onDone();
      }
      if (withSubnet) {
        try {
          await api.network.post('/subnets', subnetBody(draft, net.id));
        } catch (err) {
          throw new Error(t('Network {name} was created, but its subnet was not: {message}', { name: net.name || net.id, message: (err as Error).message }));
        }
      }
      return true;
    }, t('Network {name} created.', { name: name.trim() || t('(no name)') }));
    if (ok) { onDone(); onClose(); }
  };

  return (
    <FormModal title={t('Create network')} submitLabel={created ? t('Create subnet') : t('Create network')}
      busy={action.busy} error={action.error} cancelLabel={created ? t('Close') : undefined} onSubmit={() => void submit()} onClose={() => { if (created) toast(t('Network {name} created.', { name: created.name || created.id })); onClose(); }} wide>
      <TextField label={t('Network name')} value={name} disabled={!!created} onChange={(e) => setName(e.target.value)} autoFocus />
      <CheckboxField label={t('Admin state up')} checked={adminUp} disabled={!!created} onChange={(e) => setAdminUp(e.target.checked)} />
      {isAdmin && (
        <>
          <CheckboxField label={t('Shared')} checked={shared} disabled={!!created} onChange={(e) => setShared(e.target.checked)} />
          <CheckboxField label={t('External network')} checked={external} disabled={!!created} onChange={(e) => setExternal(e.target.checked)} />
        </>
      )}
      <CheckboxField label={t('Create a subnet')} checked={withSubnet} disabled={!!created} onChange={(e) => setWithSubnet(e.target.checked)} />
      {withSubnet && <fieldset><legend>{t('Subnet')}</legend><SubnetFields draft={draft} set={set} errors={errors} /></fieldset>}
    </FormModal>
  );
}
