// "Create server group": a name, a policy and, for anti-affinity, how many members one host may hold.
import { useState } from 'react';
import { useSession } from '../../app/session';
import { SelectField, TextField } from '../../components/fields';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/use-action';
import { useT } from '../../i18n/i18n';
import { POLICIES, policyLabel, type GroupPolicy, type ServerGroup } from './server-groups';

export function CreateServerGroupModal({ onClose, onDone }: { onClose(): void; onDone(group: ServerGroup): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState<GroupPolicy>('anti-affinity');
  const [perHost, setPerHost] = useState('');
  const [errors, setErrors] = useState<{ name?: string; perHost?: string }>({});

  const submit = async () => {
    const e: typeof errors = {};
    if (!name.trim()) e.name = t('Enter a name.');
    else if (name.trim().length > 255) e.name = t('Use at most 255 characters.');
    const max = perHost.trim();
    if (policy === 'anti-affinity' && max && (!/^\d+$/.test(max) || Number(max) < 1)) e.perHost = t('Enter a whole number of at least 1, or leave it empty.');
    setErrors(e);
    if (Object.keys(e).length) return;
    // Rules exist for anti-affinity only (Nova refuses them with any other policy).
    const rules = policy === 'anti-affinity' && max ? { max_server_per_host: Number(max) } : undefined;
    const out = await action.run(() => api.compute.post<{ server_group: ServerGroup }>('/os-server-groups',
      { server_group: { name: name.trim(), policy, ...(rules ? { rules } : {}) } }), t('Server group {name} created.', { name: name.trim() }));
    if (!out) return;
    onDone(out.server_group);
    onClose();
  };

  return (
    <FormModal title={t('Create server group')} submitLabel={t('Create server group')} busy={action.busy} error={action.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Server group name')} required value={name} error={errors.name} autoFocus autoComplete="off"
        onChange={(e) => setName(e.target.value)} />
      <SelectField label={t('Policy')} value={policy} onChange={(e) => setPolicy(e.target.value as GroupPolicy)}
        options={POLICIES.map((p) => ({ value: p, label: policyLabel(p, t) }))}
        hint={policy.startsWith('soft')
          ? t('Soft policies are preferences: when no host fits, the instance is placed anyway.')
          : t('Strict policies are rules: when no host fits, the launch fails.')} />
      {policy === 'anti-affinity' && (
        <TextField label={t('Max instances per host')} type="number" min={1} step={1} inputMode="numeric" value={perHost} error={errors.perHost}
          hint={t('Optional: how many members of the group one host may hold (1 when empty).')} onChange={(e) => setPerHost(e.target.value)} />
      )}
    </FormModal>
  );
}
