// "Create key pair" (the cloud makes the key; the private half is downloaded at once and never again)
// and "Import public key" (paste or load a public key from a file).
import { useState, type ChangeEvent } from 'react';
import { SelectField, TextAreaField, TextField } from '../../components/fields';
import { Modal } from '../../components/Modal';
import { downloadText } from '../../components/download';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { FormModal } from '../../components/FormModal';
import type { Keypair } from './neutron';

const NAME_RE = /^[A-Za-z0-9 _.@-]+$/;

// What both dialogs share: the name (checked before any call), the key type, and one API action.
function useKeypairForm() {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [type, setType] = useState('ssh');
  const check = (n: string) => !n.trim() ? t('Enter a name.')
    : !NAME_RE.test(n.trim()) ? t('Use letters, digits, spaces and . _ - @ only.') : undefined;
  const fields = (nameError?: string) => <>
    <TextField label={t('Key pair name')} required value={name} error={nameError} onChange={(e) => setName(e.target.value)} autoFocus />
    <SelectField label={t('Key type')} value={type} onChange={(e) => setType(e.target.value)}
      options={[{ value: 'ssh', label: 'ssh' }, { value: 'x509', label: 'x509' }]} />
  </>;
  return { t, api, action, name, setName, type, check, fields };
}

export function CreateKeypairModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t, api, action, name, type, check, fields } = useKeypairForm();
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<Keypair>();
  const file = (k: Keypair) => `${k.name}.pem`;
  const submit = async () => {
    const e = check(name);
    setError(e);
    if (e) return;
    const out = await action.run(() => api.compute.post<{ keypair: Keypair }>('/os-keypairs', { keypair: { name: name.trim(), type } }),
      t('Key pair {name} created.', { name: name.trim() }));
    if (!out) return;
    setCreated(out.keypair);
    onDone();
    if (out.keypair.private_key) downloadText(file(out.keypair), out.keypair.private_key, 'application/x-pem-file');
  };
  if (created) {
    return (
      <Modal title={t('Key pair {name} created', { name: created.name })} onClose={onClose} footer={
        <>
          {created.private_key && <button type="button" onClick={() => downloadText(file(created), created.private_key!, 'application/x-pem-file')}>{t('Download again')}</button>}
          <button type="button" className="primary" onClick={onClose} autoFocus>{t('Done')}</button>
        </>
      }>
        <p>{t('The private key was downloaded as {file}. Keep it safe: it is shown only once and the cloud does not keep it.', { file: file(created) })}</p>
        <dl className="props"><dt>{t('Fingerprint')}</dt><dd><code>{created.fingerprint}</code></dd></dl>
      </Modal>
    );
  }
  return (
    <FormModal title={t('Create key pair')} submitLabel={t('Create key pair')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      {fields(error)}
    </FormModal>
  );
}

export function ImportKeypairModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t, api, action, name, setName, type, check, fields } = useKeypairForm();
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<{ name?: string; key?: string }>({});
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    setKey((await f.text()).trim());
    // A file "id_ed25519.pub" suggests the name "id_ed25519".
    if (!name) setName(f.name.replace(/\.pub$/, '').replace(/[^A-Za-z0-9 _.@-]/g, '_'));
  };
  const submit = async () => {
    const errs = { name: check(name), key: key.trim() ? undefined : t('Paste a public key or load it from a file.') };
    setErrors(errs);
    if (errs.name || errs.key) return;
    const out = await action.run(() => api.compute.post('/os-keypairs', { keypair: { name: name.trim(), type, public_key: key.trim() } }),
      t('Key pair {name} imported.', { name: name.trim() }));
    if (out !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Import public key')} submitLabel={t('Import public key')} busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose} wide>
      {fields(errors.name)}
      <TextAreaField label={t('Public key')} required rows={5} value={key} error={errors.key} placeholder="ssh-ed25519 AAAA… user@host"
        onChange={(e) => setKey(e.target.value)} />
      <TextField label={t('Load from a file')} type="file" accept=".pub,.pem,.txt,text/plain" onChange={(e) => void load(e)} />
    </FormModal>
  );
}
