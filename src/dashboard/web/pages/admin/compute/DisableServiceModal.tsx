// Disable a compute service (the scheduler stops placing instances on its host), with a reason.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { TextField } from '../../../components/fields';
import { FormModal } from '../../../components/FormModal';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';
import type { Service } from './compute-data';

export function DisableServiceModal({ service, onClose, onDone }: { service: Service; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [reason, setReason] = useState('');
  const submit = async () => {
    const body = reason.trim() ? { status: 'disabled', disabled_reason: reason.trim() } : { status: 'disabled' };
    const ok = await act.run(() => api.compute.put(`/os-services/${service.id}`, body),
      t('Service {binary} on {host} disabled', { binary: service.binary, host: service.host }));
    if (ok !== undefined) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Disable service')} submitLabel={t('Disable service')} danger busy={act.busy} error={act.error}
      onSubmit={() => void submit()} onClose={onClose}>
      <p>{t('No new instances will be scheduled to {host} while {binary} is disabled.', { host: service.host, binary: service.binary })}</p>
      <TextField label={t('Reason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={255} autoFocus />
    </FormModal>
  );
}
