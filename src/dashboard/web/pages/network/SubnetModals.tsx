// "Create subnet" on a network, and "Edit subnet" (name, gateway, DHCP, DNS name servers).
import { useState } from 'react';
import { CheckboxField, TextAreaField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import { SubnetFields, checkSubnet, subnetBody, useSubnetDraft, type SubnetErrors } from './SubnetFields';
import { lines, type Subnet } from './neutron';

export function CreateSubnetModal({ networkId, onClose, onDone }: { networkId: string; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const { draft, set } = useSubnetDraft();
  const [errors, setErrors] = useState<SubnetErrors>({});
  const submit = async () => {
    const errs = checkSubnet(draft, t);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const ok = await action.run(() => api.network.post('/subnets', subnetBody(draft, networkId)),
      t('Subnet {name} created.', { name: draft.name.trim() || draft.cidr.trim() }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Create subnet')} submitLabel={t('Create subnet')} busy={action.busy} error={action.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <SubnetFields draft={draft} set={set} errors={errors} />
    </FormModal>
  );
}

export function EditSubnetModal({ subnet, onClose, onDone }: { subnet: Subnet; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState(subnet.name);
  const [gateway, setGateway] = useState(subnet.gateway_ip ?? '');
  const [noGateway, setNoGateway] = useState(subnet.gateway_ip === null);
  const [dhcp, setDhcp] = useState(subnet.enable_dhcp);
  const [dns, setDns] = useState(subnet.dns_nameservers.join('\n'));
  const submit = async () => {
    const body = {
      subnet: {
        name: name.trim(), enable_dhcp: dhcp, dns_nameservers: lines(dns),
        // Only send the gateway when it changed (Neutron rejects some no-op gateway updates).
        ...(noGateway ? (subnet.gateway_ip !== null ? { gateway_ip: null } : {})
          : gateway.trim() !== (subnet.gateway_ip ?? '') ? { gateway_ip: gateway.trim() || null } : {}),
      },
    };
    const ok = await action.run(() => api.network.put(`/subnets/${subnet.id}`, body), t('Subnet {name} updated.', { name: name.trim() || subnet.cidr }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Edit subnet')} submitLabel={t('Save')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Subnet name')} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <TextField label={t('Gateway IP')} value={gateway} disabled={noGateway} onChange={(e) => setGateway(e.target.value)} />
      <CheckboxField label={t('Disable gateway')} checked={noGateway} onChange={(e) => setNoGateway(e.target.checked)} />
      <CheckboxField label={t('Enable DHCP')} checked={dhcp} onChange={(e) => setDhcp(e.target.checked)} />
      <TextAreaField label={t('DNS name servers')} rows={2} value={dns} hint={t('One address per line.')} onChange={(e) => setDns(e.target.value)} />
    </FormModal>
  );
}
