// Admin: every user — create (with a role on a project), edit, password, enable/disable, delete.
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
import { StatusBadge } from '../../../components/StatusBadge';
import { useAction } from '../../../components/use-action';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { loadDirectory, nameOf, type User } from './identity-data';
import { PasswordModal } from './PasswordModal';
import { UserFormModal } from './UserFormModal';
import './admin-identity.css';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'password' | 'delete'; user: User };

export function UsersPage() {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const dir = useResource(() => loadDirectory(session.api.identity), []);
  const toggle = useAction();
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);

  const setEnabled = async (u: User, enabled: boolean) => {
    await toggle.run(() => session.api.identity.patch(`/users/${u.id}`, { user: { enabled } }).then(() => true),
      enabled ? t('User {name} enabled', { name: u.name }) : t('User {name} disabled', { name: u.name }));
    await dir.reload();
  };

  const columns: Column<User>[] = [
    { key: 'name', header: t('Name'), render: (u) => <strong>{u.name}</strong>, sort: (u) => u.name },
    { key: 'domain', header: t('Domain'), render: (u) => nameOf(dir.data?.domains, u.domain_id), sort: (u) => nameOf(dir.data?.domains, u.domain_id) },
    { key: 'email', header: t('Email'), render: (u) => u.email ?? '', sort: (u) => u.email ?? '' },
    { key: 'project', header: t('Default project'), render: (u) => nameOf(dir.data?.projects, u.default_project_id), secondary: true },
    { key: 'enabled', header: t('Enabled'), render: (u) => <StatusBadge status={u.enabled ? t('Enabled') : t('Disabled')} />, sort: (u) => (u.enabled ? 1 : 0) },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create user')}</button>;
  const self = (u: User) => u.id === session.user.id;

  return (
    <>
      <PageHeader title={t('Users')} actions={create} />
      <ErrorNote error={dir.error} />
      <ErrorNote error={toggle.error} />
      {dir.loading && !dir.data && <Loading />}
      {dir.data && (
        <DataTable label={t('Users')} rows={dir.data.users} columns={columns} rowKey={(u) => u.id}
          filterText={(u) => `${u.name} ${u.email ?? ''} ${u.id}`}
          empty={<EmptyState title={t('There are no users.')} hint={t('Create a user and give them a role on a project.')} action={create} />}
          actions={(u) => (
            <ActionMenu actions={[
              { label: t('Edit user'), onSelect: () => setDialog({ kind: 'edit', user: u }) },
              { label: t('Change password'), onSelect: () => setDialog({ kind: 'password', user: u }) },
              u.enabled
                ? { label: t('Disable'), onSelect: () => void setEnabled(u, false), disabled: self(u) || toggle.busy }
                : { label: t('Enable'), onSelect: () => void setEnabled(u, true), disabled: toggle.busy },
              { label: t('Delete user'), danger: true, onSelect: () => setDialog({ kind: 'delete', user: u }), disabled: self(u) },
            ]} />
          )} />
      )}
      {dialog?.kind === 'create' && dir.data && <UserFormModal dir={dir.data} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'edit' && dir.data && <UserFormModal user={dialog.user} dir={dir.data} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'password' && <PasswordModal user={dialog.user} onClose={close} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title={t('Delete user')} confirmLabel={t('Delete user')} onClose={close}
          message={t('Delete user {name}? Their role assignments go too. This cannot be undone.', { name: dialog.user.name })}
          onConfirm={async () => {
            await session.api.identity.del(`/users/${dialog.user.id}`);
            toast(t('User {name} deleted', { name: dialog.user.name }));
            await dir.reload();
          }} />
      )}
    </>
  );
}
