// A small form dialog for the volume actions: Cancel + one submit button, the API's error in place,
// closing (and refreshing the lists) only when the call succeeded.
import type { ReactNode } from 'react';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/use-action';

export interface FormDialogProps {
  title: string; submitLabel: string; children: ReactNode;
  /** Returns false to stay open (e.g. after a validation message); throws with an API error. */
  submit(): Promise<boolean | void>;
  onClose(): void; onChanged(): void;
}

export function FormDialog({ title, submitLabel, children, submit, onClose, onChanged }: FormDialogProps) {
  const action = useAction();
  const go = async () => {
    const ok = await action.run(async () => (await submit()) !== false);
    if (ok) { onChanged(); onClose(); }
  };
  return (
    <FormModal title={title} submitLabel={submitLabel} busy={action.busy} error={action.error} onSubmit={() => void go()} onClose={onClose}>
      {children}
    </FormModal>
  );
}
