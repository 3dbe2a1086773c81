// Resize: pick a new flavor; Nova then waits in VERIFY_RESIZE for Confirm or Revert.
import { useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { SelectField } from '../../components/fields';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatMiB } from '../../components/format';
import { useResource } from '../../app/use-resource';
import { useSession } from '../../app/session';
import { useAction } from '../../components/use-action';
import { useT } from '../../i18n/i18n';
import { serverAction } from './server-actions';
import type { Server } from './server-model';

interface Flavor { id: string; name: string; vcpus: number; ram: number; disk: number }

export function ResizeModal({ server, onClose, onDone }: { server: Server; onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const action = useAction();
  const flavors = useResource((signal) => api.compute.get<{ flavors: Flavor[] }>('/flavors/detail', undefined, { signal }).then((r) => r.flavors), []);
  const [flavor, setFlavor] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = async () => {
    if (!flavor) { setMissing(true); return; }
    const ok = await action.run(() => serverAction(api.compute, server.id, { resize: { flavorRef: flavor } }).then(() => true),
      t('Resizing {name}', { name: server.name }));
    if (ok) { onDone(); onClose(); }
  };
  const options = (flavors.data ?? [])
    .filter((f) => f.name !== server.flavor.original_name)
    .map((f) => ({ value: f.id, label: `${f.name} (${f.vcpus} vCPU, ${formatMiB(f.ram)}, ${f.disk} GB)` }));
  return (
    <FormModal title={t('Resize instance {name}', { name: server.name })} submitLabel={t('Resize')}
      busy={action.busy} error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <p>{t('Current flavor: {flavor}', { flavor: server.flavor.original_name })}</p>
      {flavors.loading ? <Loading /> : (
        <SelectField label={t('New flavor')} value={flavor} required placeholder={t('Choose a flavor')} options={options}
          error={missing ? t('Choose a flavor.') : undefined} onChange={(e) => { setFlavor(e.target.value); setMissing(false); }} />
      )}
      {/* The flavor list failing to load is not the resize failing: shown apart. */}
      <ErrorNote error={flavors.error} />
    </FormModal>
  );
}
