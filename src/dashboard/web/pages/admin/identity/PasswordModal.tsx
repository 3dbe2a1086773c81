// An admin sets a new password for a user (no old password needed: PATCH /users/{id}).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import type { User } from './identity-data';

export function PasswordModal({ user, onClose }: { user: User; onClose(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async () => {
    const e: Record<string, string> = {};
    if (!password) e.password = t('Enter a password.');
    else if (password !== confirm) e.confirm = t('The passwords do not match.');
    setErrors(e);
    if (Object.keys(e).length) return;
    const ok = await act.run(() => api.identity.patch(`/users/${user.id}`, { user: { password } }).then(() => true),
      t('Password of {name} changed', { name: user.name }));
    if (ok) onClose();
  };
  return (
    <FormModal title={t('Change password of {name}', { name: user.name })} submitLabel={t('Change password')}
      busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('New password')} type="password" required value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} autoFocus autoComplete="new-password" />
      <TextField label={t('Confirm password')} type="password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} autoComplete="new-password" />
    </FormModal>
  );
}
