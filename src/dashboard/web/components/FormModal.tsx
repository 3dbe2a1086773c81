// A dialog holding one form: Cancel + submit buttons, busy state, and the API's error shown inside it.
import { useEffect, useRef, type ReactNode } from 'react';
import { Modal } from './Modal';
import { ErrorNote } from './ErrorNote';
import { useT } from '../i18n/i18n';

export function FormModal({ title, submitLabel, busy, error, onSubmit, onClose, children, wide, extraButtons, cancelLabel }: {
  title: string; submitLabel: string; busy: boolean; error: unknown; onSubmit(): void; onClose(): void;
  children: ReactNode; wide?: boolean; extraButtons?: ReactNode; cancelLabel?: string;
}) {
  const t = useT();
  // A long form scrolls: bring the API's error into view when it appears.
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => { if (error) errorRef.current?.scrollIntoView?.({ block: 'nearest' }); }, [error]);
  return (
    <Modal title={title} onClose={onClose} onSubmit={() => { if (!busy) onSubmit(); }} wide={wide} footer={
      <>
        {extraButtons}
        <button type="button" onClick={onClose} disabled={busy}>{cancelLabel ?? t('Cancel')}</button>
        <button type="submit" className="primary" disabled={busy}>{submitLabel}</button>
      </>
    }>
      {children}
      <div ref={errorRef}><ErrorNote error={error} /></div>
    </Modal>
  );
}

