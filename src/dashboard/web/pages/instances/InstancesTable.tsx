// The instances list (project's own, or every project's for the admin page): live status, a status
// filter, row and bulk actions.
import { useState } from 'react';
import { DataTable, type Column } from '../../components/DataTable';
import { ActionMenu } from '../../components/ActionMenu';
import { StatusBadge } from '../../components/StatusBadge';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { SelectField } from '../../components/fields';
import { formatDate, shortId } from '../../components/format';
import { Link, navigate } from '../../app/router';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT, useI18n } from '../../i18n/i18n';
import { POWER_STATES, addressList, imageId, imageNames, isBusy, listServers, statusText, type Server } from './server-model';
import { useServerActions } from './use-server-actions';
import './instances.css';

const STATUS_FILTERS = ['', 'ACTIVE', 'SHUTOFF', 'ERROR', 'BUILD', 'PAUSED', 'SUSPENDED'] as const;
const STATUS_LABELS: Record<string, string> = { '': 'All', ACTIVE: 'Active', SHUTOFF: 'Shutoff', ERROR: 'Error', BUILD: 'Build', PAUSED: 'Paused', SUSPENDED: 'Suspended' };

export function InstancesTable({ allProjects }: { allProjects?: boolean }) {
  const t = useT();
  const { lang } = useI18n();
  const { api, isAdmin, project } = useSession();
  const [status, setStatus] = useState('');
  const servers = useResource((signal) => listServers(api.compute, Boolean(allProjects), signal), [api, allProjects, project.id],
    { pollMs: (list) => (list?.some(isBusy) ? 2000 : 10000) });
  // Names are looked up once per page visit; an unknown id just shows itself.
  const images = useResource((signal) => imageNames(api.image, signal).catch(() => new Map<string, string>()), [api, project.id]);
  const projects = useResource(async (signal) => {
    if (!allProjects || !isAdmin) return new Map<string, string>();
    const r = await api.identity.get<{ projects: { id: string; name: string }[] }>('/projects', undefined, { signal }).catch(() => ({ projects: [] }));
    return new Map(r.projects.map((p) => [p.id, p.name]));
  }, [api, allProjects, isAdmin]);
  const actions = useServerActions(() => void servers.reload());

  const imageName = (s: Server) => { const id = imageId(s); return id ? images.data?.get(id) ?? shortId(id) : t('(volume)'); };
  // Secondary columns hide on phones: name, addresses, status and actions still fit at 390 px.
  const columns: Column<Server>[] = [
    { key: 'name', header: t('Name'), sort: (s) => s.name.toLowerCase(), render: (s) => <Link to={`/project/instances/${s.id}`}>{s.name || shortId(s.id)}</Link> },
    ...(allProjects ? [{ key: 'project', header: t('Project'), sort: (s: Server) => projects.data?.get(s.tenant_id) ?? s.tenant_id,
      render: (s: Server) => projects.data?.get(s.tenant_id) ?? s.tenant_id }] : []),
    { key: 'image', header: t('Image'), secondary: true, sort: imageName, render: imageName },
    { key: 'ips', header: t('IP addresses'), render: (s) => (
      <ul className="ip-list">{addressList(s).map((a) => <li key={a.addr}>{a.addr}{a.type === 'floating' && <span className="ip-type"> {t('floating')}</span>}</li>)}</ul>
    ) },
    { key: 'flavor', header: t('Flavor'), secondary: true, sort: (s) => s.flavor?.original_name ?? '', render: (s) => s.flavor?.original_name ?? '—' },
    { key: 'status', header: t('Status'), sort: (s) => s.status, render: (s) => <StatusBadge status={statusText(s)} busy={isBusy(s) && s.status !== 'VERIFY_RESIZE'} /> },
    { key: 'power', header: t('Power state'), secondary: true, sort: (s) => s['OS-EXT-STS:power_state'] ?? 0, render: (s) => t(POWER_STATES[s['OS-EXT-STS:power_state'] ?? 0] ?? 'Unknown') },
    { key: 'az', header: t('Availability zone'), secondary: true, sort: (s) => s['OS-EXT-AZ:availability_zone'] ?? '', render: (s) => s['OS-EXT-AZ:availability_zone'] ?? '—' },
    { key: 'created', header: t('Created'), secondary: true, sort: (s) => s.created, render: (s) => formatDate(s.created, lang) },
  ];

  if (servers.loading && !servers.data) return <Loading />;
  const rows = (servers.data ?? []).filter((s) => !status || s.status === status);
  const toolbar = (
    <SelectField label={t('Status')} value={status} onChange={(e) => setStatus(e.target.value)}
      options={STATUS_FILTERS.map((v) => ({ value: v, label: t(STATUS_LABELS[v]) }))} />
  );
  return (
    <div className="inst-table">
      <ErrorNote error={servers.error} />
      {actions.failures}
      <DataTable<Server>
        label={allProjects ? t('All instances') : t('Instances')}
        rows={rows}
        columns={columns}
        rowKey={(s) => s.id}
        filterText={(s) => [s.name, s.id, statusText(s), s.flavor?.original_name, imageName(s), ...addressList(s).map((a) => a.addr),
          allProjects ? projects.data?.get(s.tenant_id) ?? s.tenant_id : ''].join(' ')}
        toolbar={<div className="inst-status-filter">{toolbar}</div>}
        actions={(s) => <ActionMenu actions={actions.menu(s)} label={t('Actions')} />}
        bulkActions={actions.bulk}
        pageSize={25}
        empty={status && servers.data?.length
          ? <EmptyState title={t('No instances with this status.')} action={<button type="button" onClick={() => setStatus('')}>{t('Show all')}</button>} />
          : <EmptyState title={t('No instances yet')} hint={t('Launch an instance from an image, with a flavor and a network.')}
              action={<button type="button" className="primary" onClick={() => navigate('/project/instances/launch')}>{t('Launch instance')}</button>} />}
      />
      {actions.dialogs}
    </div>
  );
}
