// Admin: user groups — create, edit, members, delete.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ActionMenu } from '../../../components/ActionMenu';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { loadDirectory, nameOf, type Group } from './identity-data';
import { GroupFormModal } from './GroupFormModal';
import { GroupMembersModal } from './GroupMembersModal';
import './admin-identity.css';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'members' | 'delete'; group: Group };

export function GroupsPage() {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const dir = useResource(() => loadDirectory(session.api.identity), []);
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);

  const columns: Column<Group>[] = [
    { key: 'name', header: t('Name'), render: (g) => <strong>{g.name}</strong>, sort: (g) => g.name },
    { key: 'description', header: t('Description'), render: (g) => g.description ?? '' },
    { key: 'domain', header: t('Domain'), render: (g) => nameOf(dir.data?.domains, g.domain_id), sort: (g) => nameOf(dir.data?.domains, g.domain_id) },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create group')}</button>;

  return (
    <>
      <PageHeader title={t('Groups')} actions={create} />
      <ErrorNote error={dir.error} />
      {dir.loading && !dir.data && <Loading />}
      {dir.data && (
        <DataTable label={t('Groups')} rows={dir.data.groups} columns={columns} rowKey={(g) => g.id}
          filterText={(g) => `${g.name} ${g.description ?? ''}`}
          empty={<EmptyState title={t('There are no groups.')} hint={t('Create a group to give several users the same roles at once.')} action={create} />}
          actions={(g) => (
            <ActionMenu actions={[
              { label: t('Edit group'), onSelect: () => setDialog({ kind: 'edit', group: g }) },
              { label: t('Manage members'), onSelect: () => setDialog({ kind: 'members', group: g }) },
              { label: t('Delete group'), danger: true, onSelect: () => setDialog({ kind: 'delete', group: g }) },
            ]} />
          )} />
      )}
      {dialog?.kind === 'create' && dir.data && <GroupFormModal domains={dir.data.domains} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'edit' && dir.data && <GroupFormModal group={dialog.group} domains={dir.data.domains} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'members' && dir.data && <GroupMembersModal group={dialog.group} users={dir.data.users} onClose={close} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete group')} confirmLabel={t('Delete group')} onClose={close}
          message={t('Delete group {name}? Its members lose the roles the group gave them.', { name: dialog.group.name })}
          onConfirm={async () => {
            await session.api.identity.del(`/groups/${dialog.group.id}`);
            toast(t('Group {name} deleted', { name: dialog.group.name }));
            await dir.reload();
          }} />
      )}
    </>
  );
}
