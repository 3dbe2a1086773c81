// Admin: every project in the cloud — create, edit, members, quotas and delete.
import { useState } from 'react';
import { navigate } from '../../../app/router';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { ActionMenu } from '../../../components/ActionMenu';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog, Modal } from '../../../components/Modal';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { loadDirectory, nameOf, type Project } from './identity-data';
import { ProjectFormModal } from './ProjectFormModal';
import { ProjectMembersModal } from './ProjectMembersModal';
import './admin-identity.css';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'members' | 'delete'; project: Project };

export function ProjectsPage() {
  const t = useT();
  const session = useSession();
  const toast = useToast();
  const dir = useResource(() => loadDirectory(session.api.identity), []);
  const [dialog, setDialog] = useState<Dialog>();
  const close = () => setDialog(undefined);

  const columns: Column<Project>[] = [
    { key: 'name', header: t('Name'), render: (p) => <strong>{p.name}</strong>, sort: (p) => p.name },
    { key: 'description', header: t('Description'), render: (p) => p.description ?? '' },
    { key: 'domain', header: t('Domain'), render: (p) => nameOf(dir.data?.domains, p.domain_id), sort: (p) => nameOf(dir.data?.domains, p.domain_id) },
    { key: 'enabled', header: t('Enabled'), render: (p) => <StatusBadge status={p.enabled ? t('Enabled') : t('Disabled')} />, sort: (p) => (p.enabled ? 1 : 0) },
    { key: 'id', header: t('ID'), render: (p) => <code>{p.id}</code>, secondary: true },
  ];
  const create = <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>{t('Create project')}</button>;

  return (
    <>
      <PageHeader title={t('Projects')} actions={create} />
      <ErrorNote error={dir.error} />
      {dir.loading && !dir.data && <Loading />}
      {dir.data && (
        <DataTable label={t('Projects')} rows={dir.data.projects} columns={columns} rowKey={(p) => p.id}
          filterText={(p) => `${p.name} ${p.description ?? ''} ${p.id}`}
          empty={<EmptyState title={t('There are no projects.')} hint={t('Create a project to give users a place for their resources.')} action={create} />}
          actions={(p) => (
            <ActionMenu actions={[
              { label: t('Edit project'), onSelect: () => setDialog({ kind: 'edit', project: p }) },
              { label: t('Manage members'), onSelect: () => setDialog({ kind: 'members', project: p }) },
              { label: t('Edit quotas'), onSelect: () => navigate(`/admin/quotas?project=${encodeURIComponent(p.id)}`) },
              { label: t('Delete project'), danger: true, onSelect: () => setDialog({ kind: 'delete', project: p }) },
            ]} />
          )} />
      )}
      {dialog?.kind === 'create' && dir.data && <ProjectFormModal domains={dir.data.domains} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'edit' && dir.data && <ProjectFormModal project={dialog.project} domains={dir.data.domains} onClose={close} onDone={() => void dir.reload()} />}
      {dialog?.kind === 'members' && dir.data && <ProjectMembersModal project={dialog.project} dir={dir.data} onClose={close} />}
      {dialog?.kind === 'delete' && (dialog.project.id === session.project.id
        ? <Modal title={t('Delete project')} onClose={close} footer={<button type="button" onClick={close} autoFocus>{t('Close')}</button>}>
            <p className="notice">{t('You cannot delete {name}: your session is scoped to it. Switch to another project first.', { name: dialog.project.name })}</p>
          </Modal>
        : <ConfirmDialog title={t('Delete project')} confirmLabel={t('Delete project')} onClose={close}
            message={t('Delete project {name}? Its resources lose their owner. This cannot be undone.', { name: dialog.project.name })}
            onConfirm={async () => {
              await session.api.identity.del(`/projects/${dialog.project.id}`);
              toast(t('Project {name} deleted', { name: dialog.project.name }));
              await dir.reload();
            }} />)}
    </>
  );
}
