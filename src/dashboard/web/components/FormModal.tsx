// A dialog holding one form: Cancel + submit buttons, busy state, and the API's error shown inside it.
import { useEffect, useRef, type ReactNode } from 'react';
import { Modal } from './Modal';
import { ErrorNote } from './ErrorNote';
import { useT } from '../i18n/i18n';

export function FormModal({ title, submitLabel, busy, error, onSubmit, onClose, children, wide, extraButtons, cancelLabel, danger, submitDisabled }: {
  title: string; submitLabel: string; busy: boolean; error: unknown; onSubmit(): void; onClose(): void;
  children: ReactNode; wide?: boolean; extraButtons?: ReactNode; cancelLabel?: string;
  /** The submit does something hard to undo (e.g. disable a service): styled as a danger button. */
  danger?: boolean;
  /** Nothing to submit yet (e.g. the value is unchanged). */
  submitDisabled?: boolean;
}) {
  const t = useT();
  // A long form scrolls: bring the API's error into view when it appears.
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => { if (error) errorRef.current?.scrollIntoView?.({ block: 'nearest' }); }, [error]);
  return (
    <Modal title={title} onClose={onClose} onSubmit={() => { if (!busy && !submitDisabled) onSubmit(); }} wide={wide} footer={
      <>
        {extraButtons}
        <button type="button" onClick={onClose} disabled={busy}>{cancelLabel ?? t('Cancel')}</button>
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || submitDisabled}>{submitLabel}</button>
      </>
    }>
      {children}
      <div ref={errorRef}><ErrorNote error={error} /></div>
    </Modal>
  );
}

