// Floating IPs: allocate from an external network, associate with an instance's port, disassociate, release.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { ConfirmDialog } from '../../components/Modal';
import { StatusBadge } from '../../components/StatusBadge';
import { SelectField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { byId, listNetworks, listPorts, listServers, type FloatingIp } from './neutron';
import { FormModal } from '../../components/FormModal';
import { useExternalNetworks } from './GatewayModal';
import { AssociateModal } from './AssociateModal';

export function FloatingIpsPage() {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const res = useResource(async (signal) => {
    const [fips, networks, ports, servers] = await Promise.all([
      api.network.get<{ floatingips: FloatingIp[] }>('/floatingips', { project_id: project.id }, { signal }).then((r) => r.floatingips),
      listNetworks(api.network, signal),
      listPorts(api.network, signal),
      listServers(api.compute, signal).catch(() => []),
    ]);
    return { fips, networks: byId(networks), ports: byId(ports), servers: new Map(servers.map((s) => [s.id, s.name])) };
  }, [project.id], { pollMs: (d) => (d?.fips.some((f) => f.status !== 'ACTIVE' && f.status !== 'DOWN') ? 2000 : 15000) });
  const detach = useAction();
  const [allocating, setAllocating] = useState(false);
  const [associating, setAssociating] = useState<FloatingIp>();
  const [releasing, setReleasing] = useState<FloatingIp>();

  const serverOf = (f: FloatingIp) => {
    const port = f.port_id ? res.data?.ports.get(f.port_id) : undefined;
    if (!port?.device_id || !port.device_owner.startsWith('compute:')) return undefined;
    return { id: port.device_id, name: res.data?.servers.get(port.device_id) ?? port.device_id };
  };
  const columns: Column<FloatingIp>[] = [
    { key: 'ip', header: t('IP address'), sort: (f) => f.floating_ip_address, render: (f) => f.floating_ip_address },
    { key: 'fixed', header: t('Mapped fixed IP'), secondary: true, render: (f) => f.fixed_ip_address ?? '—' },
    { key: 'server', header: t('Instance'), render: (f) => { const s = serverOf(f); return s ? <Link to={`/project/instances/${s.id}`}>{s.name}</Link> : '—'; } },
    { key: 'pool', header: t('Pool'), secondary: true, render: (f) => res.data?.networks.get(f.floating_network_id)?.name ?? f.floating_network_id },
    { key: 'status', header: t('Status'), render: (f) => <StatusBadge status={f.status} /> },
  ];
  const allocate = <button type="button" className="primary" onClick={() => setAllocating(true)}>{t('Allocate IP')}</button>;
  return (
    <>
      <PageHeader title={t('Floating IPs')} actions={allocate} />
      <ErrorNote error={res.error} />
      <ErrorNote error={detach.error} title={t('Disassociate')} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Floating IPs')} rows={res.data.fips} columns={columns} rowKey={(f) => f.id}
          filterText={(f) => `${f.floating_ip_address} ${f.fixed_ip_address ?? ''} ${serverOf(f)?.name ?? ''}`}
          actions={(f) => <ActionMenu actions={[
            f.port_id
              ? { label: t('Disassociate'), onSelect: () => void detach.run(() => api.network.put(`/floatingips/${f.id}`, { floatingip: { port_id: null } }),
                  t('{ip} disassociated.', { ip: f.floating_ip_address })).then(() => res.reload()) }
              : { label: t('Associate'), onSelect: () => setAssociating(f) },
            { label: t('Release'), danger: true, onSelect: () => setReleasing(f) },
          ]} />}
          empty={<EmptyState title={t('No floating IPs are allocated to this project.')} hint={t('Allocate an IP from an external network, then associate it with an instance to reach it from outside.')} action={allocate} />} />
      )}
      {allocating && <AllocateModal onClose={() => setAllocating(false)} onDone={() => void res.reload()} />}
      {associating && <AssociateModal fip={associating} onClose={() => setAssociating(undefined)} onDone={() => void res.reload()} />}
      {releasing && (
        <ConfirmDialog title={t('Release floating IP')} confirmLabel={t('Release')}
          message={t('Release {ip}? Another project may get this address.', { ip: releasing.floating_ip_address })}
          onClose={() => setReleasing(undefined)}
          onConfirm={async () => {
            await api.network.del(`/floatingips/${releasing.id}`);
            toast(t('{ip} released.', { ip: releasing.floating_ip_address }));
            await res.reload();
          }} />
      )}
    </>
  );
}

function AllocateModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const toast = useToast();
  const ext = useExternalNetworks();
  const [pool, setPool] = useState('');
  const choices = ext.data ?? [];
  const chosen = pool || choices[0]?.id || '';
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!chosen) { setError(t('There is no external network to allocate from.')); return; }
    setError(undefined);
    const out = await action.run(() => api.network.post<{ floatingip: FloatingIp }>('/floatingips', { floatingip: { floating_network_id: chosen } }));
    if (out) { toast(t('{ip} allocated.', { ip: out.floatingip.floating_ip_address })); onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Allocate IP')} submitLabel={t('Allocate IP')} busy={action.busy} error={action.error ?? ext.error} onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('Pool')} value={chosen} onChange={(e) => setPool(e.target.value)} error={error}
        placeholder={ext.data ? (choices.length ? undefined : t('No external network exists')) : t('Loading…')}
        options={choices.map((n) => ({ value: n.id, label: n.name || n.id }))} />
    </FormModal>
  );
}
