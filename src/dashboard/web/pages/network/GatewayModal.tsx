// "Set gateway": pick an external network for a router (PUT /routers/{id} external_gateway_info).
import { useState } from 'react';
import { SelectField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import { listNetworks, type Router } from './neutron';

/** External networks (router:external), the choices for a gateway or a floating IP pool. */
export function useExternalNetworks() {
  const { api } = useSession();
  return useResource(async (signal) => (await listNetworks(api.network, signal)).filter((n) => n['router:external']), []);
}

export function GatewayModal({ router, onClose, onDone }: { router: Router; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const ext = useExternalNetworks();
  const [networkId, setNetworkId] = useState('');
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!networkId) { setError(t('Choose an external network.')); return; }
    setError(undefined);
    const ok = await action.run(() => api.network.put(`/routers/${router.id}`, { router: { external_gateway_info: { network_id: networkId } } }),
      t('Gateway set on router {name}.', { name: router.name || router.id }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Set gateway')} submitLabel={t('Set gateway')} busy={action.busy} error={action.error ?? ext.error} onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('External network')} value={networkId} onChange={(e) => setNetworkId(e.target.value)} error={error}
        placeholder={ext.data ? (ext.data.length ? t('Choose…') : t('No external network exists')) : t('Loading…')}
        options={(ext.data ?? []).map((n) => ({ value: n.id, label: n.name || n.id }))} />
    </FormModal>
  );
}

/** The PUT that clears a router's gateway. */
export const clearGateway = (api: ReturnType<typeof useSession>['api'], router: Router) =>
  api.network.put(`/routers/${router.id}`, { router: { external_gateway_info: {} } });
