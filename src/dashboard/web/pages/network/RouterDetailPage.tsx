// One router: overview, gateway set/clear, and its interfaces (add from a subnet, remove).
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { EmptyState } from '../../components/EmptyState';
import { DataTable, type Column } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { SelectField, TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { byId, listNetworks, listPorts, listSubnets, type Port, type Router, type Subnet } from './neutron';
import { FormModal } from '../../components/FormModal';
import { shortId } from '../../components/format';
import { GatewayModal, clearGateway } from './GatewayModal';
import { gatewayText } from './RoutersPage';

export function RouterDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const id = params.id;
  const res = useResource(async (signal) => {
    const [router, ports, subnets, networks] = await Promise.all([
      api.network.get<{ router: Router }>(`/routers/${id}`, undefined, { signal }).then((r) => r.router),
      listPorts(api.network, signal, { device_id: id }),
      listSubnets(api.network, signal),
      listNetworks(api.network, signal),
    ]);
    return { router, interfaces: ports.filter((p) => p.device_owner === 'network:router_interface'), subnets: byId(subnets), networks: byId(networks) };
  }, [id]);
  const clear = useAction();
  const [adding, setAdding] = useState(false);
  const [gateway, setGateway] = useState(false);
  const [removing, setRemoving] = useState<Port>();

  if (res.error && !res.data) return <><PageHeader title={t('Router')} /><ErrorNote error={res.error} /></>;
  if (!res.data) return <><PageHeader title={t('Router')} /><Loading /></>;
  const { router: r, interfaces, subnets, networks } = res.data;
  const subnetOf = (p: Port) => subnets.get(p.fixed_ips[0]?.subnet_id ?? '');
  const columns: Column<Port>[] = [
    { key: 'id', header: t('Port'), render: (p) => <code title={p.id}>{shortId(p.id)}</code> },
    { key: 'subnet', header: t('Subnet'), render: (p) => { const s = subnetOf(p); return s ? (s.name ? `${s.name} (${s.cidr})` : s.cidr) : p.fixed_ips[0]?.subnet_id ?? '—'; } },
    { key: 'ip', header: t('IP address'), render: (p) => p.fixed_ips.map((f) => f.ip_address).join(', ') },
    { key: 'status', header: t('Status'), render: (p) => <StatusBadge status={p.status} /> },
  ];
  const hasGw = !!r.external_gateway_info?.network_id;
  const add = <button type="button" className="primary" onClick={() => setAdding(true)}>{t('Add interface')}</button>;
  return (
    <>
      <PageHeader title={t('Router {name}', { name: r.name || r.id })} actions={hasGw
        ? <button type="button" disabled={clear.busy} onClick={() => void clear.run(() => clearGateway(api, r), t('Gateway cleared on router {name}.', { name: r.name || r.id })).then(() => res.reload())}>{t('Clear gateway')}</button>
        : <button type="button" onClick={() => setGateway(true)}>{t('Set gateway')}</button>}>
        <Link to="/project/routers">{t('All routers')}</Link>
      </PageHeader>
      <ErrorNote error={clear.error} title={t('Clear gateway')} />
      <ErrorNote error={res.error} />
      <section className="panel" aria-label={t('Overview')}>
        <dl className="props">
          <dt>{t('ID')}</dt><dd><code>{r.id}</code></dd>
          <dt>{t('Status')}</dt><dd><StatusBadge status={r.status} /></dd>
          <dt>{t('Admin state')}</dt><dd>{r.admin_state_up ? t('Up') : t('Down')}</dd>
          <dt>{t('External network')}</dt><dd>{gatewayText(r, networks)}</dd>
        </dl>
      </section>
      <div className="page-header"><h2>{t('Interfaces')}</h2>{add}</div>
      <DataTable label={t('Interfaces')} rows={interfaces} columns={columns} rowKey={(p) => p.id}
        actions={(p) => <button type="button" className="danger" onClick={() => setRemoving(p)}>{t('Remove interface')}</button>}
        empty={<EmptyState title={t('This router has no interfaces.')} hint={t('Add an interface on a subnet to route its traffic.')} action={add} />} />
      {adding && <AddInterfaceModal router={r} used={new Set(interfaces.flatMap((p) => p.fixed_ips.map((f) => f.subnet_id)))}
        subnets={[...subnets.values()].filter((s) => !networks.get(s.network_id)?.['router:external'] && (s.project_id === project.id || networks.get(s.network_id)?.shared))}
        onClose={() => setAdding(false)} onDone={() => void res.reload()} />}
      {gateway && <GatewayModal router={r} onClose={() => setGateway(false)} onDone={() => void res.reload()} />}
      {removing && (
        <ConfirmDialog title={t('Remove interface')} confirmLabel={t('Remove interface')}
          message={t('Remove the interface {ip} from router {name}?', { ip: removing.fixed_ips.map((f) => f.ip_address).join(', '), name: r.name || r.id })}
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            const subnetId = removing.fixed_ips[0]?.subnet_id;
            await api.network.put(`/routers/${r.id}/remove_router_interface`, subnetId ? { subnet_id: subnetId } : { port_id: removing.id });
            toast(t('Interface removed.'));
            await res.reload();
          }} />
      )}
    </>
  );
}

function AddInterfaceModal({ router, subnets, used, onClose, onDone }: {
  router: Router; subnets: Subnet[]; used: Set<string>; onClose(): void; onDone(): void;
}) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const choices = subnets.filter((s) => !used.has(s.id));
  const [subnetId, setSubnetId] = useState('');
  const [ip, setIp] = useState('');
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!subnetId) { setError(t('Choose a subnet.')); return; }
    setError(undefined);
    const ok = await action.run(async () => {
      if (!ip.trim()) return api.network.put(`/routers/${router.id}/add_router_interface`, { subnet_id: subnetId });
      // A chosen address: make the port first, then attach the router to it.
      const s = subnets.find((x) => x.id === subnetId)!;
      const { port } = await api.network.post<{ port: Port }>('/ports', { port: { network_id: s.network_id, fixed_ips: [{ subnet_id: subnetId, ip_address: ip.trim() }] } });
      try {
        return await api.network.put(`/routers/${router.id}/add_router_interface`, { port_id: port.id });
      } catch (err) {
        await api.network.del(`/ports/${port.id}`).catch(() => undefined);
        throw err;
      }
    }, t('Interface added.'));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Add interface')} submitLabel={t('Add interface')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('Subnet')} value={subnetId} onChange={(e) => setSubnetId(e.target.value)} error={error}
        placeholder={choices.length ? t('Choose…') : t('No subnet is free to add')}
        options={choices.map((s) => ({ value: s.id, label: s.name ? `${s.name} (${s.cidr})` : s.cidr }))} />
      <TextField label={t('IP address')} value={ip} onChange={(e) => setIp(e.target.value)} hint={t("Blank = the subnet's gateway address.")} />
    </FormModal>
  );
}
