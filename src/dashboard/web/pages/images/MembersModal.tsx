// "Manage members": the owner shares an image with other projects (POST /images/{id}/members) and
// takes it back (DELETE …/members/{project}). Glance gives members only to `shared` images, so adding
// the first member to a private image first switches its visibility to shared (said up front).
import { useState, type FormEvent } from 'react';
import { Modal, ConfirmDialog } from '../../components/Modal';
import { DataTable, type Column } from '../../components/DataTable';
import { SelectField, TextField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { StatusBadge } from '../../components/StatusBadge';
import { Loading } from '../../components/Loading';
import { formatDate } from '../../components/format';
import { useAction } from '../../components/use-action';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { imageLabel, type Image, type Member } from './images-api';

export function MembersModal({ image, onClose, onChanged }: { image: Image; onClose(): void; onChanged(): void }) {
  const t = useT();
  const s = useSession();
  const add = useAction();
  const [shared, setShared] = useState(image.visibility === 'shared');
  const [project, setProject] = useState('');
  const [projectError, setProjectError] = useState<string>();
  const [removing, setRemoving] = useState<Member>();

  const members = useResource(async (signal) => (shared
    ? (await s.api.image.get<{ members: Member[] }>(`/images/${image.id}/members`, undefined, { signal })).members
    : []), [image.id, shared]);
  // Admins pick from every project; others type an id (they may not list projects they are not in).
  const projects = useResource(async (signal) => (s.isAdmin
    ? (await s.api.identity.get<{ projects: { id: string; name: string }[] }>('/projects', undefined, { signal })).projects
    : s.projects.map((p) => ({ id: p.id, name: p.name }))), [s.isAdmin]);
  const names = new Map((projects.data ?? []).map((p) => [p.id, p.name]));
  const projectName = (id: string) => names.get(id) ?? id;

  const current = new Set((members.data ?? []).map((m) => m.member_id));
  const choices = (projects.data ?? []).filter((p) => p.id !== image.owner && !current.has(p.id))
    .sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({ value: p.id, label: p.name }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const id = project.trim();
    if (!id) { setProjectError(s.isAdmin ? t('Choose a project.') : t('Enter the id of a project.')); return; }
    if (id === image.owner) { setProjectError(t('The owner project already has the image.')); return; }
    setProjectError(undefined);
    const ok = await add.run(async () => {
      if (!shared) {
        await s.api.image.call(`/images/${image.id}`, {
          method: 'PATCH', body: [{ op: 'replace', path: '/visibility', value: 'shared' }],
          headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
        });
        setShared(true);
        onChanged();
      }
      await s.api.image.post(`/images/${image.id}/members`, { member: id });
      return true;
    }, t('Image {name} shared with {project}.', { name: imageLabel(image), project: projectName(id) }));
    if (ok) { setProject(''); void members.reload(); }
  };

  const columns: Column<Member>[] = [
    { key: 'project', header: t('Project'), render: (m) => <span title={m.member_id} className="member-id">{projectName(m.member_id)}</span>, sort: (m) => projectName(m.member_id) },
    { key: 'status', header: t('Status'), render: (m) => <StatusBadge status={m.status} tone={m.status === 'accepted' ? 'ok' : m.status === 'rejected' ? 'off' : 'busy'} />, sort: (m) => m.status },
    { key: 'since', header: t('Shared on'), secondary: true, render: (m) => formatDate(m.created_at), sort: (m) => m.created_at },
  ];

  // The confirmation is a sibling, not a child, of this dialog: its Escape must not close both.
  return (
    <>
      <Modal title={t('Manage members')} wide onClose={onClose} footer={<button type="button" onClick={onClose}>{t('Close')}</button>}>
        <p className="muted members-note">{imageLabel(image)}</p>
        {!shared && (
          <p className="notice members-note">
            {t('This image is {visibility}. Only shared images have members: adding a project makes it shared.', { visibility: t(image.visibility[0].toUpperCase() + image.visibility.slice(1)) })}
          </p>
        )}
        <ErrorNote error={members.error} />
        {members.loading && !members.data ? <Loading /> : (
          <DataTable label={t('Members')} rows={members.data ?? []} columns={columns} rowKey={(m) => m.member_id}
            actions={(m) => (
              <button type="button" aria-label={t('Remove member {project}', { project: projectName(m.member_id) })} onClick={() => setRemoving(m)}>{t('Remove')}</button>
            )}
            empty={<p className="field-hint">{t('Not shared with any project yet. Add one below.')}</p>} />
        )}
        <form className="members-add" onSubmit={(e) => void submit(e)} noValidate>
          <h3>{t('Add a project')}</h3>
          {!s.isAdmin && <p className="field-hint">{t('Ask the other project for its id.')}</p>}
          <div className="add-row">
            {s.isAdmin
              ? <SelectField label={t('Project')} value={project} error={projectError} placeholder={t('Choose a project')}
                  onChange={(e) => setProject(e.target.value)} options={choices} />
              : <TextField label={t('Project ID')} value={project} error={projectError} autoComplete="off"
                  onChange={(e) => setProject(e.target.value)} />}
            <button type="submit" disabled={add.busy}>{t('Add member')}</button>
          </div>
          <ErrorNote error={add.error ?? projects.error} />
        </form>
      </Modal>
      {removing && (
        <ConfirmDialog title={t('Remove member')} confirmLabel={t('Remove member')}
          message={t('Stop sharing image {name} with project {project}? It can no longer launch instances from it.', { name: imageLabel(image), project: projectName(removing.member_id) })}
          onConfirm={async () => { await s.api.image.del(`/images/${image.id}/members/${removing.member_id}`); await members.reload(); }}
          onClose={() => setRemoving(undefined)} />
      )}
    </>
  );
}
