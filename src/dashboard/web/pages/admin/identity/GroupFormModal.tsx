// Create a group (name, description, domain) or edit one (name, description).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { SelectField, TextAreaField, TextField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { options, type Domain, type Group } from './identity-data';

export function GroupFormModal({ group, domains, onClose, onDone }: { group?: Group; domains: Domain[]; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [domain, setDomain] = useState(group?.domain_id ?? domains.find((d) => d.id === 'default')?.id ?? domains[0]?.id ?? '');
  const [nameError, setNameError] = useState<string>();

  const submit = async () => {
    if (!name.trim()) { setNameError(t('Enter a name.')); return; }
    setNameError(undefined);
    const ok = await act.run(() => (group
      ? api.identity.patch(`/groups/${group.id}`, { group: { name: name.trim(), description } })
      : api.identity.post('/groups', { group: { name: name.trim(), description, domain_id: domain } })).then(() => true),
    group ? t('Group {name} saved', { name: name.trim() }) : t('Group {name} created', { name: name.trim() }));
    if (ok) { onDone(); onClose(); }
  };

  return (
    <FormModal title={group ? t('Edit group') : t('Create group')} submitLabel={group ? t('Save') : t('Create group')}
      busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Name')} required value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoFocus />
      <TextAreaField label={t('Description')} value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
      {!group && <SelectField label={t('Domain')} value={domain} onChange={(e) => setDomain(e.target.value)} options={options(domains)} />}
    </FormModal>
  );
}
