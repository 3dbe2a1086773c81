// Step 6: the SSH key pair put into the instance (optional).
import { Link } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { SelectField } from '../../components/fields';
import { useT } from '../../i18n/i18n';
import type { StepProps } from './step-props';

export function KeypairStep({ form, update, data }: StepProps) {
  const t = useT();
  const keys = data.keypairs.data ?? [];
  return (
    <div>
      <SelectField label={t('Key pair')} value={form.keyName} onChange={(e) => update({ keyName: e.target.value })}
        placeholder={t('No key pair')} options={keys.map((k) => ({ value: k.name, label: k.type ? `${k.name} (${k.type})` : k.name }))}
        hint={t('The public key is installed in the instance so you can log in with SSH.')} />
      <ErrorNote error={data.keypairs.error} title={t('Key pairs')} />
      <p><Link to="/project/key-pairs">{keys.length ? t('Manage key pairs') : t('Create or import a key pair')}</Link></p>
    </div>
  );
}
