// Edit a volume type's extra specs as key=value lines: new and changed keys are set in one call,
// removed lines are deleted one by one. Cinder refuses any change while volumes use the type.
import { useState } from 'react';
import { TextAreaField } from '../../components/fields';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/use-action';
import { useSession } from '../../app/session';
import { useT } from '../../i18n/i18n';
import { diffSpecs, formatSpecs, parseSpecs } from './spec-lines';
import type { VolumeType } from './volumes-api';

export function TypeSpecsModal({ type, onClose, onDone }: { type: VolumeType; onClose(): void; onDone(): void }) {
  const t = useT(); const { api } = useSession(); const action = useAction();
  const before = type.extra_specs ?? {};
  const [text, setText] = useState(formatSpecs(before));
  const [error, setError] = useState<string>();

  const submit = async () => {
    const parsed = parseSpecs(text, t);
    setError(parsed.error);
    if (parsed.error) return;
    const { set, unset } = diffSpecs(before, parsed.specs);
    if (Object.keys(set).length === 0 && unset.length === 0) { onClose(); return; }
    const base = `/types/${type.id}/extra_specs`;
    const out = await action.run(async () => {
      if (Object.keys(set).length) await api.volume.post(base, { extra_specs: set });
      for (const key of unset) await api.volume.del(`${base}/${encodeURIComponent(key)}`);
      return true;
    }, t('Extra specs of {name} saved.', { name: type.name }));
    // Part of it may have been saved before a refusal: the list shows what the cloud has now.
    onDone();
    if (out) onClose();
  };

  return (
    <FormModal title={t('Extra specs of {name}', { name: type.name })} submitLabel={t('Save extra specs')} busy={action.busy}
      error={action.error} onSubmit={() => void submit()} onClose={onClose}>
      <TextAreaField label={t('Extra specs')} rows={6} value={text} error={error} placeholder="volume_backend_name=file" autoFocus
        hint={t('One key=value a line; delete a line to remove that spec. volume_backend_name places new volumes on that storage backend.')}
        onChange={(e) => setText(e.target.value)} />
    </FormModal>
  );
}
