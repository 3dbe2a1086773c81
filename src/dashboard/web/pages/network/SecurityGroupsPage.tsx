// Project security groups: list with rule counts, create, delete.
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { DataTable, type Column } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Modal';
import { TextField } from '../../components/fields';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { Link } from '../../app/router';
import { useToast } from '../../components/toast';
import { useT } from '../../i18n/i18n';
import type { SecurityGroup } from './neutron';
import { FormModal } from '../../components/FormModal';

export function SecurityGroupsPage() {
  const t = useT();
  const toast = useToast();
  const { api, project } = useSession();
  const res = useResource(async (signal) =>
    (await api.network.get<{ security_groups: SecurityGroup[] }>('/security-groups', { project_id: project.id }, { signal })).security_groups, [project.id]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<SecurityGroup>();
  const columns: Column<SecurityGroup>[] = [
    { key: 'name', header: t('Name'), sort: (g) => g.name, render: (g) => <Link to={`/project/security-groups/${g.id}`}>{g.name || g.id}</Link> },
    { key: 'desc', header: t('Description'), secondary: true, render: (g) => g.description || '—' },
    { key: 'rules', header: t('Rules'), sort: (g) => g.security_group_rules?.length ?? 0, render: (g) => g.security_group_rules?.length ?? 0 },
  ];
  const create = <button type="button" className="primary" onClick={() => setCreating(true)}>{t('Create security group')}</button>;
  return (
    <>
      <PageHeader title={t('Security groups')} actions={create} />
      <ErrorNote error={res.error} />
      {res.loading && !res.data ? <Loading /> : res.data && (
        <DataTable label={t('Security groups')} rows={res.data} columns={columns} rowKey={(g) => g.id}
          filterText={(g) => `${g.name} ${g.description} ${g.id}`}
          actions={(g) => <button type="button" className="danger" onClick={() => setDeleting(g)}>{t('Delete security group')}</button>}
          empty={<EmptyState title={t('There are no security groups yet.')} hint={t('Create a security group to choose which traffic reaches your instances.')} action={create} />} />
      )}
      {creating && <CreateGroupModal onClose={() => setCreating(false)} onDone={() => void res.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete security group')} confirmLabel={t('Delete security group')}
          message={t('Delete security group {name} and its rules? This cannot be undone.', { name: deleting.name || deleting.id })}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.network.del(`/security-groups/${deleting.id}`);
            toast(t('Security group {name} deleted.', { name: deleting.name || deleting.id }));
            await res.reload();
          }} />
      )}
    </>
  );
}

function CreateGroupModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!name.trim()) { setError(t('Enter a name.')); return; }
    setError(undefined);
    const ok = await action.run(() => api.network.post('/security-groups', { security_group: { name: name.trim(), description: description.trim() } }),
      t('Security group {name} created.', { name: name.trim() }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Create security group')} submitLabel={t('Create security group')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Name')} required value={name} error={error} onChange={(e) => setName(e.target.value)} autoFocus />
      <TextField label={t('Description')} value={description} onChange={(e) => setDescription(e.target.value)} />
    </FormModal>
  );
}
