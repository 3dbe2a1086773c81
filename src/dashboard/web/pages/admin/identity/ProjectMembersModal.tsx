// A project's members: its role assignments (users and groups) with remove, and a form to add one.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { Modal } from '../../../components/Modal';
import { SelectField } from '../../../components/fields';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { actorLabel, assignmentPath, grantPath, options, type Assignment, type Directory, type Project } from './identity-data';

export function ProjectMembersModal({ project, dir, onClose }: { project: Project; dir: Directory; onClose(): void }) {
  const t = useT();
  const { api } = useSession();
  const list = useResource((signal) => api.identity.get<{ role_assignments: Assignment[] }>('/role_assignments',
    { 'scope.project.id': project.id, include_names: 'true' }, { signal }).then((r) => r.role_assignments), [project.id]);
  const add = useAction();
  const remove = useAction();
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [actor, setActor] = useState('');
  const [role, setRole] = useState(dir.roles.find((r) => r.name === 'member')?.id ?? '');
  const [formError, setFormError] = useState<string>();

  const submit = async () => {
    if (!actor || !role) { setFormError(kind === 'user' ? t('Choose a user and a role.') : t('Choose a group and a role.')); return; }
    setFormError(undefined);
    const done = await add.run(() => api.identity.put(grantPath(project.id, kind, actor, role)).then(() => true), t('Member added'));
    if (done !== undefined) { setActor(''); await list.reload(); }
  };
  const revoke = async (a: Assignment) => {
    const path = assignmentPath(a);
    if (!path) return;
    const done = await remove.run(() => api.identity.del(path).then(() => true), t('Member removed'));
    if (done !== undefined) await list.reload();
  };

  return (
    <Modal title={t('Members of {name}', { name: project.name })} onClose={onClose} wide onSubmit={() => void submit()} footer={
      <button type="button" onClick={onClose}>{t('Close')}</button>
    }>
      <h3>{t('Current members')}</h3>
      {list.loading && !list.data ? <Loading /> : <ErrorNote error={list.error} />}
      {list.data && list.data.length === 0 && <p className="empty-hint">{t('No one has a role on this project yet. Add a user or group below.')}</p>}
      {list.data && list.data.length > 0 && (
        <ul className="aid-members" aria-label={t('Current members')}>
          {list.data.map((a) => {
            const who = actorLabel(a);
            const role = a.role.name ?? a.role.id;
            return (
              <li key={`${a.user?.id ?? a.group?.id}-${a.role.id}`}>
                <span>{a.group ? t('{name} (group)', { name: who }) : who} — <strong>{role}</strong></span>
                <button type="button" className="danger-text" disabled={remove.busy}
                  aria-label={t('Remove {role} from {who}', { role, who })} onClick={() => void revoke(a)}>{t('Remove')}</button>
              </li>
            );
          })}
        </ul>
      )}
      <ErrorNote error={remove.error} />
      <h3>{t('Add member')}</h3>
      <SelectField label={t('Member type')} value={kind} onChange={(e) => { setKind(e.target.value as 'user' | 'group'); setActor(''); }}
        options={[{ value: 'user', label: t('User') }, { value: 'group', label: t('Group') }]} />
      <SelectField label={kind === 'user' ? t('User') : t('Group')} value={actor} onChange={(e) => setActor(e.target.value)}
        placeholder={t('Choose…')} options={options(kind === 'user' ? dir.users : dir.groups)} error={formError} />
      <SelectField label={t('Role')} value={role} onChange={(e) => setRole(e.target.value)} placeholder={t('Choose…')} options={options(dir.roles)} />
      <button type="submit" className="primary" disabled={add.busy}>{t('Add member')}</button>
      <ErrorNote error={add.error} />
    </Modal>
  );
}
