// A small form dialog for the volume actions: Cancel + one submit button, the API's error in place,
// closing (and refreshing the lists) only when the call succeeded.
import type { ReactNode } from 'react';
import { Modal } from '../../components/Modal';
import { ErrorNote } from '../../components/ErrorNote';
import { useAction } from '../../components/use-action';
import { useT } from '../../i18n/i18n';

export interface FormDialogProps {
  title: string; submitLabel: string; children: ReactNode;
  /** Returns false to stay open (e.g. after a validation message); throws with an API error. */
  submit(): Promise<boolean | void>;
  onClose(): void; onChanged(): void;
}

export function FormDialog({ title, submitLabel, children, submit, onClose, onChanged }: FormDialogProps) {
  const t = useT();
  const action = useAction();
  const go = async () => {
    const ok = await action.run(async () => (await submit()) !== false);
    if (ok) { onChanged(); onClose(); }
  };
  return (
    <Modal title={title} onClose={onClose} onSubmit={() => void go()} footer={
      <>
        <button type="button" onClick={onClose} disabled={action.busy}>{t('Cancel')}</button>
        <button type="submit" className="primary" disabled={action.busy}>{submitLabel}</button>
      </>
    }>
      {children}
      <ErrorNote error={action.error} />
    </Modal>
  );
}
