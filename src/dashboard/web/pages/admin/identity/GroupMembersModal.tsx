// A group's users: remove any, add one (PUT/DELETE /groups/{g}/users/{u}).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { Modal } from '../../../components/Modal';
import { SelectField } from '../../../components/fields';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { options, type Group, type User } from './identity-data';

export function GroupMembersModal({ group, users, onClose }: { group: Group; users: User[]; onClose(): void }) {
  const t = useT();
  const { api } = useSession();
  const list = useResource((signal) => api.identity.get<{ users: User[] }>(`/groups/${group.id}/users`, undefined, { signal }).then((r) => r.users), [group.id]);
  const add = useAction();
  const remove = useAction();
  const [user, setUser] = useState('');
  const [formError, setFormError] = useState<string>();
  const members = new Set(list.data?.map((u) => u.id));

  const submit = async () => {
    if (!user) { setFormError(t('Choose a user.')); return; }
    setFormError(undefined);
    const ok = await add.run(() => api.identity.put(`/groups/${group.id}/users/${user}`).then(() => true), t('Member added'));
    if (ok) { setUser(''); await list.reload(); }
  };
  const drop = async (u: User) => {
    const ok = await remove.run(() => api.identity.del(`/groups/${group.id}/users/${u.id}`).then(() => true), t('Member removed'));
    if (ok) await list.reload();
  };

  return (
    <Modal title={t('Members of {name}', { name: group.name })} onClose={onClose} wide onSubmit={() => void submit()} footer={
      <button type="button" onClick={onClose}>{t('Close')}</button>
    }>
      <h3>{t('Current members')}</h3>
      {list.loading && !list.data ? <Loading /> : <ErrorNote error={list.error} />}
      {list.data && list.data.length === 0 && <p className="empty-hint">{t('This group has no members yet. Add a user below.')}</p>}
      {list.data && list.data.length > 0 && (
        <ul className="aid-members" aria-label={t('Current members')}>
          {list.data.map((u) => (
            <li key={u.id}>
              <span>{u.name}</span>
              <button type="button" className="danger-text" disabled={remove.busy} aria-label={t('Remove {who}', { who: u.name })}
                onClick={() => void drop(u)}>{t('Remove')}</button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={remove.error} />
      <h3>{t('Add member')}</h3>
      <SelectField label={t('User')} value={user} onChange={(e) => setUser(e.target.value)} placeholder={t('Choose…')}
        options={options(users.filter((u) => !members.has(u.id)))} error={formError} />
      <button type="submit" className="primary" disabled={add.busy}>{t('Add member')}</button>
      <ErrorNote error={add.error} />
    </Modal>
  );
}
