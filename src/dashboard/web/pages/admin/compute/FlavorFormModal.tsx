// Create a flavor: size of the instances launched from it (Nova flavors cannot be edited later).
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { CheckboxField, TextField } from '../../../components/fields';
import { FormModal } from '../../../components/FormModal';
import { useAction } from '../../../components/use-action';
import { useT } from '../../../i18n/i18n';

type Form = { name: string; id: string; vcpus: string; ram: string; disk: string; ephemeral: string; swap: string; isPublic: boolean };
const START: Form = { name: '', id: '', vcpus: '1', ram: '512', disk: '1', ephemeral: '0', swap: '0', isPublic: true };

export function FlavorFormModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const t = useT();
  const { api } = useSession();
  const act = useAction();
  const [f, setF] = useState<Form>(START);
  const [touched, setTouched] = useState(false);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const whole = (v: string, min: number) => /^\d+$/.test(v.trim()) && Number(v) >= min;
  const errors: Partial<Record<keyof Form, string>> = touched ? {
    name: f.name.trim() ? undefined : t('Enter a name.'),
    vcpus: whole(f.vcpus, 1) ? undefined : t('Enter a whole number of at least {n}.', { n: 1 }),
    ram: whole(f.ram, 1) ? undefined : t('Enter a whole number of at least {n}.', { n: 1 }),
    disk: whole(f.disk, 0) ? undefined : t('Enter a whole number of at least {n}.', { n: 0 }),
    ephemeral: whole(f.ephemeral, 0) ? undefined : t('Enter a whole number of at least {n}.', { n: 0 }),
    swap: whole(f.swap, 0) ? undefined : t('Enter a whole number of at least {n}.', { n: 0 }),
  } : {};

  const submit = async () => {
    setTouched(true);
    const ok = f.name.trim() && whole(f.vcpus, 1) && whole(f.ram, 1) && whole(f.disk, 0) && whole(f.ephemeral, 0) && whole(f.swap, 0);
    if (!ok) return;
    const flavor = {
      name: f.name.trim(), vcpus: Number(f.vcpus), ram: Number(f.ram), disk: Number(f.disk),
      'OS-FLV-EXT-DATA:ephemeral': Number(f.ephemeral), swap: Number(f.swap), 'os-flavor-access:is_public': f.isPublic,
      // No ID: Nova generates a UUID.
      ...(f.id.trim() ? { id: f.id.trim() } : {}),
    };
    const r = await act.run(() => api.compute.post('/flavors', { flavor }), t('Flavor {name} created', { name: flavor.name }));
    if (r !== undefined) { onDone(); onClose(); }
  };

  return (
    <FormModal title={t('Create flavor')} submitLabel={t('Create')} busy={act.busy} error={act.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextField label={t('Name')} value={f.name} onChange={set('name')} required error={errors.name} autoFocus />
      <TextField label={t('ID')} value={f.id} onChange={set('id')} placeholder={t('auto')} hint={t('Leave empty to generate one.')} />
      <TextField label={t('vCPUs')} type="number" min={1} inputMode="numeric" value={f.vcpus} onChange={set('vcpus')} required error={errors.vcpus} />
      <TextField label={t('RAM (MiB)')} type="number" min={1} inputMode="numeric" value={f.ram} onChange={set('ram')} required error={errors.ram} />
      <TextField label={t('Root disk (GiB)')} type="number" min={0} inputMode="numeric" value={f.disk} onChange={set('disk')} required error={errors.disk} />
      <TextField label={t('Ephemeral disk (GiB)')} type="number" min={0} inputMode="numeric" value={f.ephemeral} onChange={set('ephemeral')} error={errors.ephemeral} />
      <TextField label={t('Swap (MiB)')} type="number" min={0} inputMode="numeric" value={f.swap} onChange={set('swap')} error={errors.swap} />
      <CheckboxField label={t('Public')} checked={f.isPublic} onChange={(e) => setF({ ...f, isPublic: e.target.checked })}
        hint={t('Every project can use a public flavor.')} />
    </FormModal>
  );
}
