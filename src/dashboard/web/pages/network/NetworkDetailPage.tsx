// One network: its properties, its subnets (create, edit, delete) and the ports on it.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { EmptyState } from '../../components/EmptyState';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { listPorts, listServers, listSubnets, type Network, type Port, type Subnet } from './neutron';
import { yesNo } from '../../components/format';
import { shortId } from '../../components/format';
import { CreateSubnetModal, EditSubnetModal } from './SubnetModals';

export function NetworkDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const toast = useToast();
  const { api } = useSession();
  const id = params.id;
  const res = useResource(async (signal) => {
    const [network, subnets, ports] = await Promise.all([
      api.network.get<{ network: Network }>(`/networks/${id}`, undefined, { signal }).then((r) => r.network),
      listSubnets(api.network, signal, { network_id: id }),
      listPorts(api.network, signal, { network_id: id }),
    ]);
    // Server names for compute ports; a failure here only costs the names.
    const servers = ports.some((p) => p.device_owner.startsWith('compute:'))
      ? await listServers(api.compute, signal).catch(() => []) : [];
    return { network, subnets, ports, servers: new Map(servers.map((s) => [s.id, s.name])) };
  }, [id]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Subnet>();
  const [deleting, setDeleting] = useState<Subnet>();

  if (res.error && !res.data) return <><PageHeader title={t('Network')} /><ErrorNote error={res.error} /></>;
  if (!res.data) return <><PageHeader title={t('Network')} /><Loading /></>;
  const { network: n, subnets, ports, servers } = res.data;
  const subnetName = new Map(subnets.map((s) => [s.id, s.name || s.cidr]));

  const subnetColumns: Column<Subnet>[] = [
    { key: 'name', header: t('Name'), sort: (s) => s.name, render: (s) => s.name || <code title={s.id}>{shortId(s.id)}</code> },
    { key: 'cidr', header: t('CIDR'), sort: (s) => s.cidr, render: (s) => s.cidr },
    { key: 'ipv', header: t('IP version'), secondary: true, render: (s) => `IPv${s.ip_version}` },
    { key: 'gw', header: t('Gateway'), render: (s) => s.gateway_ip ?? t('None') },
    { key: 'dhcp', header: t('DHCP'), secondary: true, render: (s) => yesNo(t, s.enable_dhcp) },
    { key: 'pools', header: t('Allocation pools'), secondary: true, render: (s) => s.allocation_pools.map((p) => `${p.start}–${p.end}`).join(', ') || '—' },
  ];
  const portColumns: Column<Port>[] = [
    { key: 'name', header: t('Name'), sort: (p) => p.name || p.id, render: (p) => p.name || <code title={p.id}>{shortId(p.id)}</code> },
    { key: 'ips', header: t('Fixed IPs'), render: (p) => p.fixed_ips.map((f) => f.ip_address).join(', ') || '—' },
    { key: 'mac', header: t('MAC address'), secondary: true, render: (p) => <code>{p.mac_address}</code> },
    { key: 'owner', header: t('Device owner'), secondary: true, sort: (p) => p.device_owner, render: (p) => p.device_owner || '—' },
    { key: 'device', header: t('Device'), render: (p) => p.device_owner.startsWith('compute:') && p.device_id
      ? <Link to={`/project/instances/${p.device_id}`}>{servers.get(p.device_id) ?? p.device_id}</Link>
      : p.device_owner === 'network:router_interface' || p.device_owner === 'network:router_gateway'
        ? <Link to={`/project/routers/${p.device_id}`}>{t('Router')}</Link> : p.device_id || '—' },
    { key: 'status', header: t('Status'), render: (p) => <StatusBadge status={p.status} /> },
  ];
  const createSubnet = <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create subnet')}</button>;
  return (
    <>
      <PageHeader title={t('Network {name}', { name: n.name || n.id })}>
        <Link to="/project/networks">{t('All networks')}</Link>
      </PageHeader>
      <ErrorNote error={res.error} />
      <section className="panel" aria-label={t('Overview')}>
        <dl className="props">
          <dt>{t('ID')}</dt><dd><code>{n.id}</code></dd>
          <dt>{t('Status')}</dt><dd><StatusBadge status={n.status} /></dd>
          <dt>{t('Admin state')}</dt><dd>{n.admin_state_up ? t('Up') : t('Down')}</dd>
          <dt>{t('Shared')}</dt><dd>{yesNo(t, n.shared)}</dd>
          <dt>{t('External')}</dt><dd>{yesNo(t, n['router:external'])}</dd>
          {n.project_id && <><dt>{t('Project ID')}</dt><dd><code>{n.project_id}</code></dd></>}
        </dl>
      </section>
      <div className="page-header"><h2>{t('Subnets')}</h2>{createSubnet}</div>
      <DataTable label={t('Subnets')} rows={subnets} columns={subnetColumns} rowKey={(s) => s.id}
        actions={(s) => <ActionMenu actions={[
          { label: t('Edit subnet'), onSelect: () => setEditing(s) },
          { label: t('Delete subnet'), danger: true, onSelect: () => setDeleting(s) },
        ]} />}
        empty={<EmptyState title={t('This network has no subnet.')} hint={t('Add a subnet so instances on this network get addresses.')} action={createSubnet} />} />
      <h2>{t('Ports')}</h2>
      <DataTable label={t('Ports')} rows={ports} columns={portColumns} rowKey={(p) => p.id}
        filterText={(p) => `${p.name} ${p.id} ${p.fixed_ips.map((f) => `${f.ip_address} ${subnetName.get(f.subnet_id) ?? ''}`).join(' ')} ${p.device_owner}`}
        empty={<EmptyState title={t('No ports on this network.')} hint={t('Ports appear when instances or routers attach to the network.')} />} />
      {creating && <CreateSubnetModal networkId={n.id} onClose={() => setCreating(false)} onDone={() => void res.reload()} />}
      {editing && <EditSubnetModal subnet={editing} onClose={() => setEditing(undefined)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete subnet')} confirmLabel={t('Delete subnet')}
          message={t('Delete subnet {name} ({cidr})? This cannot be undone.', { name: deleting.name || deleting.id, cidr: deleting.cidr })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.network.del(`/subnets/${deleting.id}`);
            toast(t('Subnet {name} deleted.', { name: deleting.name || deleting.cidr }));
            await res.reload();
          }} />
      )}
    </>
  );
}
