// Server groups (Nova os-server-groups): the project's groups with their policy, rules and member
// instances; create one, launch an instance into one, delete one.
import { useState } from 'react';
import { Link, navigate } from '../../app/router';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { ActionMenu } from '../../components/ActionMenu';
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { ConfirmDialog } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { shortId } from '../../components/format';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import { CreateServerGroupModal } from './CreateServerGroupModal';
import { policyLabel, type ServerGroup } from './server-groups';

export function ServerGroupsPage() {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const groups = useResource(async (signal) =>
    (await api.compute.get<{ server_groups: ServerGroup[] }>('/os-server-groups', undefined, { signal })).server_groups, [api, project.id]);
  // Members are instance ids: the project's instance list gives them names.
  const servers = useResource(async (signal) =>
    new Map((await api.compute.get<{ servers: { id: string; name: string }[] }>('/servers', undefined, { signal })).servers.map((s) => [s.id, s.name])),
  [api, project.id]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ServerGroup>();
  const reload = () => { void groups.reload(); void servers.reload(); };

  const columns: Column<ServerGroup>[] = [
    { key: 'name', header: t('Name'), sort: (g) => g.name.toLowerCase(), render: (g) => g.name },
    { key: 'policy', header: t('Policy'), sort: (g) => g.policy, render: (g) => policyLabel(g.policy, t) },
    {
      key: 'rules', header: t('Rules'), secondary: true,
      render: (g) => (g.rules?.max_server_per_host ? t('At most {n} per host', { n: g.rules.max_server_per_host }) : '—'),
    },
    {
      key: 'members', header: t('Members'), sort: (g) => g.members.length,
      render: (g) => (g.members.length === 0 ? <span className="field-hint">{t('No instances')}</span> : (
        <ul className="ip-list">
          {g.members.map((id) => <li key={id}><Link to={`/project/instances/${id}`}>{servers.data?.get(id) || shortId(id)}</Link></li>)}
        </ul>
      )),
    },
  ];
  const createButton = <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create server group')}</button>;

  return (
    <>
      <PageHeader title={t('Server groups')} actions={createButton}>
        <p className="field-hint">{t('A server group places the instances launched into it on one host, or on different hosts.')}</p>
      </PageHeader>
      <ErrorNote error={groups.error} title={t('Server groups')} />
      <ErrorNote error={servers.error} title={t('Instances')} />
      {groups.loading && !groups.data ? <Loading /> : groups.data && (
        <DataTable label={t('Server groups')} rows={groups.data} columns={columns} rowKey={(g) => g.id}
          filterText={(g) => `${g.name} ${g.policy} ${g.id}`}
          actions={(g) => (
            <ActionMenu actions={[
              { label: t('Launch instance in group'), onSelect: () => navigate(`/project/instances/launch?group=${encodeURIComponent(g.id)}`) },
              { label: t('Delete server group'), danger: true, onSelect: () => setDeleting(g) },
            ]} />
          )}
          empty={<EmptyState title={t('This project has no server groups yet.')}
            hint={t('Create a server group, then choose it on the Details step when you launch instances.')} action={createButton} />} />
      )}
      {creating && <CreateServerGroupModal onClose={() => setCreating(false)} onDone={reload} />}
      {deleting && (
        <ConfirmDialog title={t('Delete server group')} confirmLabel={t('Delete server group')}
          message={deleting.members.length
            ? t('Delete server group {name}? Its members ({n}) keep running where they are; new instances can no longer join it.', { name: deleting.name, n: deleting.members.length })
            : t('Delete server group {name}?', { name: deleting.name })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.compute.del(`/os-server-groups/${encodeURIComponent(deleting.id)}`);
            toast(t('Server group {name} deleted.', { name: deleting.name }));
            reload();
          }} />
      )}
    </>
  );
}
