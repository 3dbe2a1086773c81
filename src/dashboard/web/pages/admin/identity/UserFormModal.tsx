// Create a user (with a password and a role on its default project) or edit one.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { CheckboxField, SelectField, TextField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { grantPath, options, type Directory, type User } from './identity-data';

export function UserFormModal({ user, dir, onClose, onDone }: { user?: User; dir: Directory; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [name, setName] = useState(user?.name ?? '');
  const [domain, setDomain] = useState(user?.domain_id ?? dir.domains.find((d) => d.id === 'default')?.id ?? dir.domains[0]?.id ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [project, setProject] = useState(user?.default_project_id ?? '');
  const [role, setRole] = useState(dir.roles.find((r) => r.name === 'member')?.id ?? '');
  const [enabled, setEnabled] = useState(user?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!name.trim()) e.name = t('Enter a name.');
    if (!user && !password) e.password = t('Enter a password.');
    if (!user && password !== confirm) e.confirm = t('The passwords do not match.');
    setErrors(e);
    if (Object.keys(e).length) return;
    const body: Record<string, unknown> = { name: name.trim(), enabled };
    // Keystone keeps email as an extra attribute; an empty one is left out rather than stored as "".
    if (email.trim() || user?.email) body.email = email.trim();
    body.default_project_id = project || (user ? null : undefined);
    const ok = await act.run(async () => {
      if (user) {
        await api.identity.patch(`/users/${user.id}`, { user: body });
        return true;
      }
      const created = await api.identity.post<{ user: User }>('/users', { user: { ...body, domain_id: domain, password } });
      if (project && role) await api.identity.put(grantPath(project, 'user', created.user.id, role));
      return true;
    }, user ? t('User {name} saved', { name: name.trim() }) : t('User {name} created', { name: name.trim() }));
    if (ok) { onDone(); onClose(); }
  };

  return (
    <FormModal title={user ? t('Edit user') : t('Create user')} submitLabel={user ? t('Save') : t('Create user')}
      busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('User name')} required value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoFocus autoComplete="off" />
      {!user && <SelectField label={t('Domain')} value={domain} onChange={(e) => setDomain(e.target.value)} options={options(dir.domains)} />}
      <TextField label={t('Email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
      {!user && <>
        <TextField label={t('Password')} type="password" required value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} autoComplete="new-password" />
        <TextField label={t('Confirm password')} type="password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} autoComplete="new-password" />
      </>}
      <SelectField label={t('Default project')} value={project} onChange={(e) => setProject(e.target.value)} placeholder={t('None')}
        options={options(dir.projects.filter((p) => user || p.domain_id === domain))} />
      {!user && <SelectField label={t('Role')} value={role} onChange={(e) => setRole(e.target.value)} options={options(dir.roles)}
        disabled={!project} hint={project ? undefined : t('Choose a default project to give the user a role on it.')} />}
      <CheckboxField label={t('Enabled')} checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
    </FormModal>
  );
}
