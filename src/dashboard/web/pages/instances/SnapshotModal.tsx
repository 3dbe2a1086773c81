// Create snapshot: Nova's createImage makes a Glance image of the instance's disk.
import { useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { TextField } from '../../components/fields';
import { useSession } from '../../app/session';
import { useAction } from '../../components/use-action';
import { useT } from '../../i18n/i18n';
import { serverAction } from './server-actions';
import type { Server } from './server-model';

export function SnapshotModal({ server, onClose, onDone }: { server: Server; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const [name, setName] = useState(`${server.name}-snapshot`);
  const [missing, setMissing] = useState(false);
  const submit = async () => {
    const n = name.trim();
    if (!n) { setMissing(true); return; }
    const ok = await action.run(() => serverAction<{ image_id?: string }>(api.compute, server.id, { createImage: { name: n } }).then(() => true),
      t('Snapshot {image} is being created', { image: n }));
    if (ok) { onDone(); onClose(); }
  };
  return (
    <FormModal title={t('Create snapshot of {name}', { name: server.name })} submitLabel={t('Create snapshot')}
      busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Snapshot name')} value={name} required autoFocus error={missing ? t('Enter a name.') : undefined}
        onChange={(e) => { setName(e.target.value); setMissing(false); }} />
    </FormModal>
  );
}
