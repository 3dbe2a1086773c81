// Grant a role to a user or a group on a project.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { SelectField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { grantPath, options, type Directory } from './identity-data';

export function GrantRoleModal({ dir, initialProject, initialUser, onClose, onDone }: {
  dir: Directory; initialProject?: string; initialUser?: string; onClose(): void; onDone(): void;
}) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [role, setRole] = useState(dir.roles.find((r) => r.name === 'member')?.id ?? '');
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [actor, setActor] = useState(initialUser ?? '');
  const [project, setProject] = useState(initialProject ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!role) e.role = t('Choose a role.');
    if (!actor) e.actor = kind === 'user' ? t('Choose a user.') : t('Choose a group.');
    if (!project) e.project = t('Choose a project.');
    setErrors(e);
    if (Object.keys(e).length) return;
    const ok = await act.run(() => api.identity.put(grantPath(project, kind, actor, role)).then(() => true), t('Role granted'));
    if (ok) { onDone(); onClose(); }
  };

  return (
    <FormModal title={t('Grant role')} submitLabel={t('Grant role')} busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <SelectField label={t('Role')} value={role} onChange={(e) => setRole(e.target.value)} placeholder={t('Choose…')} options={options(dir.roles)} error={errors.role} />
      <SelectField label={t('Grant to')} value={kind} onChange={(e) => { setKind(e.target.value as 'user' | 'group'); setActor(''); }}
        options={[{ value: 'user', label: t('User') }, { value: 'group', label: t('Group') }]} />
      <SelectField label={kind === 'user' ? t('User') : t('Group')} value={actor} onChange={(e) => setActor(e.target.value)} placeholder={t('Choose…')}
        options={options(kind === 'user' ? dir.users : dir.groups)} error={errors.actor} />
      <SelectField label={t('Project')} value={project} onChange={(e) => setProject(e.target.value)} placeholder={t('Choose…')} options={options(dir.projects)} error={errors.project} />
    </FormModal>
  );
}
