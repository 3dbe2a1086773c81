// Volume transfers: "Create transfer" offers a volume to another project under a one-time
// authorization key (shown here once: the cloud keeps only its hash); "Accept transfer" takes one
// into the current project with the transfer ID and that key.
import { useState } from 'react';
import { CheckboxField, TextField } from '../../components/fields';
import { FormModal } from '../../components/FormModal';
import { Modal } from '../../components/Modal';
import { downloadText } from '../../components/download';
import { useAction } from '../../components/use-action';
import { useToast } from '../../components/toast';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { label, type Transfer, type Volume } from './volumes-api';

interface Props { onClose(): void; onChanged(): void }

/** Copies text; without the async clipboard (a plain-http address) falls back to the older command. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return true; }
  } catch { /* fall through */ }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed'; area.style.opacity = '0';
  // Inside the open dialog: the modal dialog makes the rest of the page inert.
  (document.querySelector('dialog[open]') ?? document.body).appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}

export function CreateTransferModal({ volume, onClose, onChanged }: Props & { volume: Volume }) {
  const t = useT(); const s = useSession(); const action = useAction();
  const [name, setName] = useState(volume.name ?? '');
  const [noSnapshots, setNoSnapshots] = useState(false);
  const [made, setMade] = useState<Transfer & { auth_key: string }>();
  const [copied, setCopied] = useState<string>();

  const submit = async () => {
    const out = await action.run(() => s.api.volume.post<{ transfer: Transfer & { auth_key: string } }>('/volume-transfers',
      { transfer: { volume_id: volume.id, name: name.trim() || undefined, no_snapshots: noSnapshots } }));
    if (!out) return;
    setMade(out.transfer);
    onChanged();
  };

  if (made) {
    const text = `${t('Volume')}: ${label(volume)}\n${t('Transfer ID')}: ${made.id}\n${t('Authorization key')}: ${made.auth_key}\n`;
    return (
      <Modal title={t('Transfer of {name} created', { name: label(volume) })} onClose={onClose} footer={
        <>
          <button type="button" onClick={() => void copyText(text).then((ok) => setCopied(ok ? t('Transfer ID and key copied.') : t('Copying failed: select the fields and copy them.')))}>
            {t('Copy ID and key')}
          </button>
          <button type="button" onClick={() => downloadText(`volume-transfer-${made.id}.txt`, text)}>{t('Download as a file')}</button>
          <button type="button" className="primary" onClick={onClose}>{t('Done')}</button>
        </>
      }>
        <p className="notice" role="note">
          <strong>{t('Write down the authorization key now.')}</strong>{' '}
          {t('It is shown only once: the cloud keeps only a hash of it. Whoever has the transfer ID and the key can take the volume into their project, so pass them on privately.')}
        </p>
        <TextField label={t('Transfer ID')} readOnly value={made.id} className="mono" onFocus={(e) => e.target.select()} />
        <TextField label={t('Authorization key')} readOnly value={made.auth_key} className="mono" onFocus={(e) => e.target.select()} />
        <p>{t('The receiving project opens Volumes → "Accept transfer" and enters both. Until then the volume is awaiting transfer; delete the transfer in the Volume transfers tab to take the offer back.')}</p>
        <p className="muted" role="status" aria-live="polite">{copied}</p>
      </Modal>
    );
  }

  return (
    <FormModal title={t('Create transfer of {name}', { name: label(volume) })} submitLabel={t('Create transfer')}
      busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <p>{t('Another project can take this volume with the transfer ID and authorization key made now. The volume stays here, unusable, until it is accepted or the transfer is deleted.')}</p>
      <TextField label={t('Transfer name')} value={name} maxLength={255} onChange={(e) => setName(e.target.value)} />
      <CheckboxField label={t('Keep the snapshots here')} checked={noSnapshots} onChange={(e) => setNoSnapshots(e.target.checked)}
        hint={t("Without this, the volume's snapshots move with it.")} />
    </FormModal>
  );
}

export function AcceptTransferModal({ onClose, onChanged }: Props) {
  const t = useT(); const s = useSession(); const toast = useToast(); const action = useAction();
  const [id, setId] = useState('');
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<{ id?: string; key?: string }>({});
  const submit = async () => {
    const e = { id: id.trim() ? undefined : t('Enter the transfer ID.'), key: key.trim() ? undefined : t('Enter the authorization key.') };
    setErrors(e);
    if (e.id || e.key) return;
    const out = await action.run(() => s.api.volume.post<{ transfer: Transfer }>(`/volume-transfers/${encodeURIComponent(id.trim())}/accept`,
      { accept: { auth_key: key.trim() } }));
    if (!out) return;
    toast(t('Transfer {name} accepted: the volume now belongs to project {project}.', { name: out.transfer.name || out.transfer.id, project: s.project.name }));
    onChanged();
    onClose();
  };
  return (
    <FormModal title={t('Accept transfer')} submitLabel={t('Accept transfer')} busy={action.busy} error={action.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <p>{t('The volume moves into project {project} and counts against its quota.', { project: s.project.name })}</p>
      <TextField label={t('Transfer ID')} required value={id} error={errors.id} className="mono" autoComplete="off" spellCheck={false}
        onChange={(e) => setId(e.target.value)} autoFocus />
      <TextField label={t('Authorization key')} required value={key} error={errors.key} className="mono" autoComplete="off" spellCheck={false}
        onChange={(e) => setKey(e.target.value)} />
    </FormModal>
  );
}
