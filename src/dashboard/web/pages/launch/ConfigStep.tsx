// Step 7: user data (typed or loaded from a file), the configuration drive and metadata.
import { useId, useState } from 'react';
import { CheckboxField, TextAreaField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { useT } from '../../i18n/i18n';
import type { StepProps } from './step-props';

const MAX_USER_DATA = 48 * 1024; // base64 of it stays under Nova's 65535 characters

export function ConfigStep({ form, update, errors }: StepProps) {
  const t = useT();
  const fileId = useId();
  const [fileError, setFileError] = useState<string>();
  const load = async (file: File | undefined) => {
    setFileError(undefined);
    if (!file) return;
    if (file.size > MAX_USER_DATA) { setFileError(t('The file is too large for user data (at most {n} KiB).', { n: MAX_USER_DATA / 1024 })); return; }
    update({ userData: await file.text() });
  };
  return (
    <div>
      <TextAreaField label={t('User data')} rows={8} className="mono" value={form.userData} spellCheck={false}
        hint={t('A script or cloud-config the instance runs on first boot.')} onChange={(e) => update({ userData: e.target.value })} />
      <div className="field">
        <label htmlFor={fileId}>{t('Load user data from a file')}</label>
        <input id={fileId} type="file" onChange={(e) => void load(e.target.files?.[0])} />
      </div>
      <ErrorNote error={fileError} />
      <CheckboxField label={t('Configuration drive')} checked={form.configDrive} onChange={(e) => update({ configDrive: e.target.checked })}
        hint={t('Also give the instance its metadata on an attached drive, for images that do not use the metadata service.')} />
      <TextAreaField label={t('Metadata')} rows={4} className="mono" value={form.metadata} spellCheck={false} error={errors.metadata}
        placeholder="role=web" hint={t('Optional: one key=value per line.')} onChange={(e) => update({ metadata: e.target.value })} />
    </div>
  );
}
