// Create a project (name, description, domain, enabled) or edit one (the domain cannot change).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { FormModal } from '../../../components/FormModal';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/fields';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import { options, type Domain, type Project } from './identity-data';

export function ProjectFormModal({ project, domains, onClose, onDone }: { project?: Project; domains: Domain[]; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [name, setName] = useState(project?.name ?? '');
  const [description, setDescription] = useState(project?.description ?? '');
  const [domain, setDomain] = useState(project?.domain_id ?? domains.find((d) => d.id === 'default')?.id ?? domains[0]?.id ?? '');
  const [enabled, setEnabled] = useState(project?.enabled ?? true);
  const [nameError, setNameError] = useState<string>();

  const submit = async () => {
    if (!name.trim()) { setNameError(t('Enter a name.')); return; }
    setNameError(undefined);
    const ok = await act.run(() => project
      ? api.identity.patch(`/projects/${project.id}`, { project: { name: name.trim(), description, enabled } }).then(() => true)
      : api.identity.post('/projects', { project: { name: name.trim(), description, domain_id: domain, enabled } }).then(() => true),
    project ? t('Project {name} saved', { name: name.trim() }) : t('Project {name} created', { name: name.trim() }));
    if (ok !== undefined) { onDone(); onClose(); }
  };

  return (
    <FormModal title={project ? t('Edit project') : t('Create project')} submitLabel={project ? t('Save') : t('Create project')}
      busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Name')} required value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoFocus />
      <TextAreaField label={t('Description')} value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
      {!project && <SelectField label={t('Domain')} value={domain} onChange={(e) => setDomain(e.target.value)} options={options(domains)} />}
      <CheckboxField label={t('Enabled')} checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
    </FormModal>
  );
}
