// Project routers: list with their gateway, create, set/clear gateway, delete.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { SelectField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { byId, listNetworks, type Network, type Router } from './neutron';
import { FormModal } from '../../components/FormModal';
import { GatewayModal, clearGateway } from './GatewayModal';

export function gatewayText(r: Router, networks: Map<string, Network> | undefined): string {
  const g = r.external_gateway_info;
  if (!g?.network_id) return '—';
  const name = networks?.get(g.network_id)?.name || g.network_id;
  const ips = (g.external_fixed_ips ?? []).map((f) => f.ip_address).join(', ');
  return ips ? `${name} (${ips})` : name;
}

export function RoutersPage() {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const res = useResource(async (signal) => {
    const [routers, networks] = await Promise.all([
      api.network.get<{ routers: Router[] }>('/routers', { project_id: project.id }, { signal }).then((r) => r.routers),
      listNetworks(api.network, signal),
    ]);
    return { routers, networks: byId(networks) };
  }, [project.id]);
  const clear = useAction();
  const [creating, setCreating] = useState(false);
  const [gateway, setGateway] = useState<Router>();
  const [deleting, setDeleting] = useState<Router>();

  const columns: Column<Router>[] = [
    { key: 'name', header: t('Name'), sort: (r) => r.name, render: (r) => <Link to={`/project/routers/${r.id}`}>{r.name || r.id}</Link> },
    { key: 'status', header: t('Status'), secondary: true, sort: (r) => r.status, render: (r) => <StatusBadge status={r.status} /> },
    { key: 'gw', header: t('External network'), render: (r) => gatewayText(r, res.data?.networks) },
    { key: 'admin', header: t('Admin state'), secondary: true, render: (r) => (r.admin_state_up ? t('Up') : t('Down')) },
  ];
  const create = <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create router')}</button>;
  return (
    <>
      <PageHeader title={t('Routers')} actions={create} />
      <ErrorNote error={res.error} />
      <ErrorNote error={clear.error} title={t('Clear gateway')} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Routers')} rows={res.data.routers} columns={columns} rowKey={(r) => r.id}
          filterText={(r) => `${r.name} ${r.id} ${gatewayText(r, res.data?.networks)}`}
          actions={(r) => <ActionMenu actions={[
            r.external_gateway_info?.network_id
              ? { label: t('Clear gateway'), onSelect: () => void clear.run(() => clearGateway(api, r), t('Gateway cleared on router {name}.', { name: r.name || r.id })).then(() => res.reload()) }
              : { label: t('Set gateway'), onSelect: () => setGateway(r) },
            { label: t('Delete router'), danger: true, onSelect: () => setDeleting(r) },
          ]} />}
          empty={<EmptyState title={t('There are no routers yet.')} hint={t('A router connects your networks to each other and to an external network.')} action={create} />} />
      )}
      {creating && <CreateRouterModal onClose={() => setCreating(false)} onDone={() => void res.reload()} />}
      {gateway && <GatewayModal router={gateway} onClose={() => setGateway(undefined)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete router')} confirmLabel={t('Delete router')}
          message={t('Delete router {name}? This cannot be undone.', { name: deleting.name || deleting.id })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.network.del(`/routers/${deleting.id}`);
            toast(t('Router {name} deleted.', { name: deleting.name || deleting.id }));
            await res.reload();
          }} />
      )}
    </>
  );
}

function CreateRouterModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [networkId, setNetworkId] = useState('');
  const ext = useResource(async (signal) => (await listNetworks(api.network, signal)).filter((n) => n['router:external']), []);
  const submit = async () => {
    const body = { router: { name: name.trim(), ...(networkId ? { external_gateway_info: { network_id: networkId } } : {}) } };
    const ok = await action.run(() => api.network.post('/routers', body), t('Router {name} created.', { name: name.trim() || t('(no name)') }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Create router')} submitLabel={t('Create router')} busy={action.busy} error={action.error ?? ext.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Router name')} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <SelectField label={t('External network')} value={networkId} onChange={(e) => setNetworkId(e.target.value)}
        placeholder={t('None')} options={(ext.data ?? []).map((n) => ({ value: n.id, label: n.name || n.id }))} />
    </FormModal>
  );
}
