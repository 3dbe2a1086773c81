// Admin: roles (create, delete) and who holds them where (grant, revoke).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { loadDirectory, nameOf, type Role } from './identity-data';
import { AssignmentsSection } from './AssignmentsSection';
import { RoleCreateModal } from './RoleCreateModal';
import './admin-identity.css';

export function RolesPage() {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const dir = useResource(() => loadDirectory(session.api.identity), []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Role>();
  // Deleting a role removes its assignments: the assignments table reloads when this changes.
  const [version, setVersion] = useState(0);

  const columns: Column<Role>[] = [
    { key: 'name', header: t('Name'), render: (r) => <strong>{r.name}</strong>, sort: (r) => r.name },
    { key: 'domain', header: t('Domain'), render: (r) => (r.domain_id ? nameOf(dir.data?.domains, r.domain_id) : t('Global')) },
  ];
  const create = <button type="button" onClick={() => setCreating(true)}>{t('Create role')}</button>;

  return (
    <>
      <PageHeader title={t('Roles and assignments')} />
      <ErrorNote error={dir.error} />
      {dir.loading && !dir.data && <Loading />}
      {dir.data && (
        <>
          <section className="aid-section" aria-labelledby="aid-roles">
            <header><h2 id="aid-roles">{t('Roles')}</h2>{create}</header>
            <DataTable label={t('Roles')} rows={dir.data.roles} columns={columns} rowKey={(r) => r.id} filterText={(r) => r.name}
              empty={<EmptyState title={t('There are no roles.')} hint={t('Create a role, then grant it to users on projects.')} action={create} />}
              actions={(r) => (
                <button type="button" className="danger-text" aria-label={t('Delete role {name}', { name: r.name })} onClick={() => setDeleting(r)}>{t('Delete role')}</button>
              )} />
          </section>
          <AssignmentsSection dir={dir.data} version={version} />
        </>
      )}
      {creating && <RoleCreateModal onClose={() => setCreating(false)} onDone={() => void dir.reload()} />}
      {deleting && (
        <ConfirmDialog title={t('Delete role')} confirmLabel={t('Delete role')} onClose={() => setDeleting(undefined)}
          message={t('Delete role {name}? Every assignment of it is removed too.', { name: deleting.name })}
          onConfirm={async () => {
            await session.api.identity.del(`/roles/${deleting.id}`);
            toast(t('Role {name} deleted', { name: deleting.name }));
            setVersion((v) => v + 1);
            await dir.reload();
          }} />
      )}
    </>
  );
}
