// Dialogs: a native <dialog> shown modally (focus stays inside, Escape closes), and the confirmation
// asked before anything destructive.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useT } from '../i18n/i18n';
import { ErrorNote } from './ErrorNote';

export interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom; when onSubmit is given the body is a form and Enter submits. */
  footer?: ReactNode;
  onSubmit?(e: FormEvent): void;
  wide?: boolean;
}

export function Modal({ title, onClose, children, footer, onSubmit, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (d?.open) d.close(); };
  }, []);
  const body = (
    <>
      <div className="modal-body">{children}</div>
      {footer && <div className="modal-footer">{footer}</div>}
    </>
  );
  return (
    <dialog ref={ref} className={wide ? 'modal wide' : 'modal'} aria-labelledby={titleId}
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <h2 id={titleId}>{title}</h2>
      {onSubmit
        ? <form onSubmit={(e) => { e.preventDefault(); onSubmit(e); }} noValidate>{body}</form>
        : body}
    </dialog>
  );
}

export interface ConfirmProps {
  title: string;
  /** What will happen, in words (e.g. "Delete instance web-1? This cannot be undone."). */
  message: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<unknown> | void;
  onClose(): void;
  danger?: boolean;
}

/** Asks before acting; shows the API's error in place if the action fails, and closes on success. */
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onClose, danger = true }: ConfirmProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose} onSubmit={() => void go()} footer={
      <>
        <button type="button" onClick={onClose} disabled={busy}>{t('Cancel')}</button>
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy} autoFocus>{confirmLabel}</button>
      </>
    }>
      <div>{message}</div>
      <ErrorNote error={error} />
    </Modal>
  );
}
