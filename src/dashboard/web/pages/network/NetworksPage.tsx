// Project networks: list with their subnets, create (with an optional first subnet), edit, delete.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { byId, listNetworks, listSubnets, type Network } from './neutron';
import { yesNo } from '../../components/format';
import { CreateNetworkModal } from './CreateNetworkModal';
import { EditNetworkModal } from './EditNetworkModal';

export function NetworksPage() {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const res = useResource(async (signal) => {
    const [networks, subnets] = await Promise.all([listNetworks(api.network, signal), listSubnets(api.network, signal)]);
    // An admin token lists every project's networks; the project view shows its own, shared and external ones.
    const mine = networks.filter((n) => !n.project_id || n.project_id === project.id || n.shared || n['router:external']);
    return { networks: mine, subnets: byId(subnets) };
  }, [project.id]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Network>();
  const [deleting, setDeleting] = useState<Network>();

  const cidrs = (n: Network) => n.subnets.map((id) => res.data?.subnets.get(id)?.cidr ?? id);
  const columns: Column<Network>[] = [
    { key: 'name', header: t('Name'), sort: (n) => n.name, render: (n) => <Link to={`/project/networks/${n.id}`}>{n.name || n.id}</Link> },
    { key: 'subnets', header: t('Subnets'), render: (n) => cidrs(n).join(', ') || '—' },
    { key: 'shared', header: t('Shared'), secondary: true, render: (n) => yesNo(t, n.shared) },
    { key: 'external', header: t('External'), secondary: true, render: (n) => yesNo(t, n['router:external']) },
    { key: 'status', header: t('Status'), sort: (n) => n.status, render: (n) => <StatusBadge status={n.status} /> },
    { key: 'admin', header: t('Admin state'), secondary: true, render: (n) => (n.admin_state_up ? t('Up') : t('Down')) },
  ];
  const create = <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create network')}</button>;
  return (
    <>
      <PageHeader title={t('Networks')} actions={create} />
      <ErrorNote error={res.error} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Networks')} rows={res.data.networks} columns={columns} rowKey={(n) => n.id}
          filterText={(n) => `${n.name} ${n.id} ${cidrs(n).join(' ')}`}
          actions={(n) => <ActionMenu actions={[
            { label: t('Edit network'), onSelect: () => setEditing(n) },
            { label: t('Delete network'), danger: true, onSelect: () => setDeleting(n) },
          ]} />}
          empty={<EmptyState title={t('There are no networks yet.')} hint={t('Create a network and a subnet to connect instances.')} action={create} />} />
      )}
      {creating && <CreateNetworkModal onClose={() => setCreating(false)} onDone={() => void res.reload()} />}
      {editing && <EditNetworkModal network={editing} onClose={() => setEditing(undefined)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete network')} confirmLabel={t('Delete network')}
          message={t('Delete network {name} and its subnets? This cannot be undone.', { name: deleting.name || deleting.id })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.network.del(`/networks/${deleting.id}`);
            toast(t('Network {name} deleted.', { name: deleting.name || deleting.id }));
            await res.reload();
          }} />
      )}
    </>
  );
}
