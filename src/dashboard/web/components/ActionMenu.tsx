// A row's "Actions" menu: a button opening a list of actions (Escape or a click outside closes it).
import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n/i18n';

export interface MenuAction { label: string; onSelect(): void; danger?: boolean; disabled?: boolean }

export function ActionMenu({ actions, label }: { actions: readonly MenuAction[]; label?: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!ref.current?.contains(e.target as Node)) setOpen(false); };
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => { document.removeEventListener('mousedown', close); document.removeEventListener('keydown', esc); };
  }, [open]);
  return (
    <div className="action-menu" ref={ref}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {label ?? t('Actions')} ▾
      </button>
      {open && (
        <ul role="menu" id={id}>
          {actions.map((a) => (
            <li key={a.label} role="none">
              <button type="button" role="menuitem" className={a.danger ? 'danger-text' : undefined} disabled={a.disabled}
                onClick={() => { setOpen(false); a.onSelect(); }}>{a.label}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
