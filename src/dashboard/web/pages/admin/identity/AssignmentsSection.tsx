// Every role assignment (filterable by project and by user), with grant and revoke.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { ConfirmDialog } from '../../../components/Modal';
import { SelectField } from '../../../components/fields';
import { useToast } from '../../../components/toast';
import { useT } from '../../../i18n/i18n';
import { actorLabel, assignmentPath, options, type Assignment, type Directory } from './identity-data';
import { GrantRoleModal } from './GrantRoleModal';

const keyOf = (a: Assignment) =>
  [a.role.id, a.user?.id ?? a.group?.id, a.scope.project?.id ?? a.scope.domain?.id ?? 'system', a.scope['OS-INHERIT:inherited_to'] ?? ''].join('|');

export function AssignmentsSection({ dir, version = 0 }: { dir: Directory; version?: number }) {
  const t = useT();
  const { api } = useSession();
  const toast = useToast();
  const [project, setProject] = useState('');
  const [user, setUser] = useState('');
  const list = useResource((signal) => api.identity.get<{ role_assignments: Assignment[] }>('/role_assignments',
    { include_names: 'true', 'scope.project.id': project || undefined, 'user.id': user || undefined }, { signal }).then((r) => r.role_assignments), [project, user, version]);
  const [grant, setGrant] = useState(false);
  const [revoke, setRevoke] = useState<Assignment>();

  const scopeLabel = (a: Assignment) => a.scope.project ? t('Project {name}', { name: a.scope.project.name ?? a.scope.project.id })
    : a.scope.domain ? t('Domain {name}', { name: a.scope.domain.name ?? a.scope.domain.id }) : t('System');
  const columns: Column<Assignment>[] = [
    { key: 'role', header: t('Role'), render: (a) => <strong>{a.role.name ?? a.role.id}</strong>, sort: (a) => a.role.name ?? '' },
    { key: 'actor', header: t('User or group'), render: (a) => (a.group ? t('{name} (group)', { name: actorLabel(a) }) : actorLabel(a)), sort: actorLabel },
    { key: 'scope', header: t('Scope'), render: scopeLabel, sort: scopeLabel },
    { key: 'inherited', header: t('Inherited'), render: (a) => (a.scope['OS-INHERIT:inherited_to'] ? t('Yes') : t('No')), secondary: true },
  ];
  const grantButton = <button type="button" className="primary" onClick={() => setGrant(true)}>{t('Grant role')}</button>;
  const filters = (
    <div className="aid-filters">
      <SelectField label={t('Filter by project')} value={project} onChange={(e) => setProject(e.target.value)} placeholder={t('All projects')} options={options(dir.projects)} />
      <SelectField label={t('Filter by user')} value={user} onChange={(e) => setUser(e.target.value)} placeholder={t('All users')} options={options(dir.users)} />
    </div>
  );

  return (
    <section className="aid-section" aria-labelledby="aid-assignments">
      <header><h2 id="aid-assignments">{t('Assignments')}</h2>{grantButton}</header>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <DataTable label={t('Assignments')} rows={list.data} columns={columns} rowKey={keyOf} toolbar={filters}
          filterText={(a) => `${a.role.name} ${actorLabel(a)} ${scopeLabel(a)}`}
          empty={<EmptyState title={project || user ? t('No assignments match these filters.') : t('There are no role assignments.')}
            hint={t('Grant a role to let a user or group work in a project.')} action={grantButton} />}
          actions={(a) => assignmentPath(a) && (
            <button type="button" className="danger-text" aria-label={t('Revoke {role} from {who}', { role: a.role.name ?? a.role.id, who: actorLabel(a) })}
              onClick={() => setRevoke(a)}>{t('Revoke')}</button>
          )} />
      )}
      {grant && <GrantRoleModal dir={dir} initialProject={project} initialUser={user} onClose={() => setGrant(false)} onDone={() => void list.reload()} />}
      {revoke && (
        <ConfirmDialog title={t('Revoke role')} confirmLabel={t('Revoke')} onClose={() => setRevoke(undefined)}
          message={t('Revoke role {role} from {who} on {scope}?', { role: revoke.role.name ?? revoke.role.id, who: actorLabel(revoke), scope: scopeLabel(revoke) })}
          onConfirm={async () => {
            await api.identity.del(assignmentPath(revoke)!);
            toast(t('Role revoked'));
            await list.reload();
          }} />
      )}
    </section>
  );
}
