// The detail page's list tabs: network interfaces, attached volumes, console log and action log.
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDate, shortId } from '../../components/format';
import { Link } from '../../app/router';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT, useI18n } from '../../i18n/i18n';
import type { Server } from './server-model';

interface Iface { port_id: string; net_id: string; mac_addr: string; port_state: string; fixed_ips: { ip_address: string; subnet_id: string }[] }

export function InterfacesTab({ server }: { server: Server }) {
  const t = useT();
  const { api } = useSession();
  const r = useResource(async (signal) => {
    const { interfaceAttachments: list } = await api.compute.get<{ interfaceAttachments: Iface[] }>(`/servers/${server.id}/os-interface`, undefined, { signal });
    const nets = new Map<string, string>();
    await Promise.all([...new Set(list.map((i) => i.net_id))].map(async (id) => {
      const n = await api.network.get<{ network: { name: string } }>(`/networks/${id}`, undefined, { signal }).catch(() => undefined);
      nets.set(id, n?.network.name || id);
    }));
    return list.map((i) => ({ ...i, netName: nets.get(i.net_id) ?? i.net_id }));
  }, [api, server.id]);
  if (r.loading) return <Loading />;
  return (
    <>
      <ErrorNote error={r.error} />
      {r.data && <DataTable label={t('Interfaces')} rows={r.data} rowKey={(i) => i.port_id}
        empty={<EmptyState title={t('No network interfaces.')} hint={t('Attach the instance to a network to give it an address.')} />}
        columns={[
          { key: 'port', header: t('Port ID'), render: (i) => <code title={i.port_id}>{shortId(i.port_id)}</code> },
          { key: 'net', header: t('Network'), render: (i) => <Link to={`/project/networks/${i.net_id}`}>{i.netName}</Link> },
          { key: 'ips', header: t('Fixed IPs'), render: (i) => i.fixed_ips.map((f) => f.ip_address).join(', ') },
          { key: 'mac', header: t('MAC address'), render: (i) => <code>{i.mac_addr}</code> },
          { key: 'state', header: t('State'), render: (i) => <StatusBadge status={i.port_state} /> },
        ]} />}
    </>
  );
}

interface Attachment { id: string; volumeId: string; device: string | null }

export function VolumesTab({ server }: { server: Server }) {
  const t = useT();
  const { api } = useSession();
  const r = useResource(async (signal) => {
    const { volumeAttachments: list } = await api.compute.get<{ volumeAttachments: Attachment[] }>(`/servers/${server.id}/os-volume_attachments`, undefined, { signal });
    return Promise.all(list.map(async (a) => {
      const v = await api.volume.get<{ volume: { name: string | null; size: number } }>(`/volumes/${a.volumeId}`, undefined, { signal }).catch(() => undefined);
      return { ...a, name: v?.volume.name || a.volumeId, size: v?.volume.size };
    }));
  }, [api, server.id]);
  if (r.loading) return <Loading />;
  return (
    <>
      <ErrorNote error={r.error} />
      {r.data && <DataTable label={t('Attached volumes')} rows={r.data} rowKey={(a) => a.id || a.volumeId}
        empty={<EmptyState title={t('No volumes attached.')} hint={t('Attach a volume from the Volumes page.')} />}
        columns={[
          { key: 'name', header: t('Volume'), render: (a) => <span title={a.volumeId}>{a.name}</span> },
          { key: 'size', header: t('Size'), render: (a) => (a.size !== undefined ? `${a.size} GB` : '—') },
          { key: 'device', header: t('Device'), render: (a) => a.device ?? '—' },
        ]} />}
    </>
  );
}

export function ConsoleLogTab({ server }: { server: Server }) {
  const t = useT();
  const { api } = useSession();
  // Auto-refresh every 3 s while this tab is mounted (i.e. open).
  const r = useResource((signal) => api.compute.post<{ output: string }>(`/servers/${server.id}/action`, { 'os-getConsoleOutput': { length: 200 } }, { signal }).then((o) => o.output),
    [api, server.id], { pollMs: 3000 });
  return (
    <>
      <div className="inst-tab-toolbar">
        <button type="button" onClick={() => void r.reload()}>{t('Refresh')}</button>
        <span className="field-hint">{t('Last 200 lines, refreshed every 3 seconds.')}</span>
      </div>
      <ErrorNote error={r.error} />
      {r.loading && !r.data ? <Loading /> : <pre className="console" aria-label={t('Console log')} tabIndex={0}>{r.data || t('(no output yet)')}</pre>}
    </>
  );
}

interface InstanceAction { action: string; request_id: string; start_time: string; user_id: string | null; message: string | null }

export function ActionLogTab({ server }: { server: Server }) {
  const t = useT();
  const { lang } = useI18n();
  const { api } = useSession();
  const r = useResource((signal) => api.compute.get<{ instanceActions: InstanceAction[] }>(`/servers/${server.id}/os-instance-actions`, undefined, { signal }).then((x) => x.instanceActions),
    [api, server.id, server.status, server['OS-EXT-STS:task_state']]);
  if (r.loading && !r.data) return <Loading />;
  return (
    <>
      <ErrorNote error={r.error} />
      {r.data && <DataTable label={t('Action log')} rows={r.data} rowKey={(a) => a.request_id + a.action}
        empty={<EmptyState title={t('No actions recorded.')} />}
        columns={[
          { key: 'action', header: t('Action'), sort: (a) => a.action, render: (a) => a.action },
          { key: 'req', header: t('Request ID'), render: (a) => <code>{a.request_id}</code>, secondary: true },
          { key: 'start', header: t('Start time'), sort: (a) => a.start_time, render: (a) => formatDate(a.start_time, lang) },
          { key: 'user', header: t('User'), render: (a) => (a.user_id ? shortId(a.user_id) : '—'), secondary: true },
          { key: 'msg', header: t('Message'), render: (a) => a.message ?? '—' },
        ]} />}
    </>
  );
}
