// "Associate": attach a floating IP to one fixed IP of an instance's port.
import { useState } from 'react';
import { SelectField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import { listPorts, listServers, type FloatingIp } from './neutron';

export function AssociateModal({ fip, onClose, onDone }: { fip: FloatingIp; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  // Instance ports only (device_owner compute:<zone>), one choice per IPv4 fixed address.
  const targets = useResource(async (signal) => {
    const [ports, servers] = await Promise.all([listPorts(api.network, signal), listServers(api.compute, signal)]);
    const names = new Map(servers.map((s) => [s.id, s.name]));
    return ports.filter((p) => p.device_owner.startsWith('compute:')).flatMap((p) => p.fixed_ips
      .filter((f) => !f.ip_address.includes(':'))
      .map((f) => ({ value: `${p.id} ${f.ip_address}`, label: `${names.get(p.device_id) ?? p.device_id}: ${f.ip_address}` })));
  }, []);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!target) { setError(t('Choose a port.')); return; }
    setError(undefined);
    const [portId, ip] = target.split(' ');
    const ok = await action.run(() => api.network.put(`/floatingips/${fip.id}`, { floatingip: { port_id: portId, fixed_ip_address: ip } }),
      t('{ip} associated.', { ip: fip.floating_ip_address }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Associate {ip}', { ip: fip.floating_ip_address })} submitLabel={t('Associate')} busy={action.busy} error={action.error ?? targets.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('Port to associate')} value={target} onChange={(e) => setTarget(e.target.value)} error={error}
        placeholder={targets.data ? (targets.data.length ? t('Choose…') : t('No instance port to associate')) : t('Loading…')}
        options={targets.data ?? []} />
    </FormModal>
  );
}
