// Tabs with the ARIA tab pattern (arrow keys move between tabs).
import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface Tab { id: string; label: string; render(): ReactNode }

export function Tabs({ tabs, initial, label }: { tabs: readonly Tab[]; initial?: string; label: string }) {
  const [active, setActive] = useState(initial ?? tabs[0]?.id);
  const base = useId();
  const move = (e: KeyboardEvent, i: number) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    const next = tabs[(i + d + tabs.length) % tabs.length];
    setActive(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  };
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((tab, i) => (
          <button key={tab.id} id={`${base}-tab-${tab.id}`} role="tab" type="button" aria-selected={tab.id === current?.id}
            aria-controls={`${base}-panel`} tabIndex={tab.id === current?.id ? 0 : -1}
            onClick={() => setActive(tab.id)} onKeyDown={(e) => move(e, i)}>{tab.label}</button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current?.id}`} className="tab-panel">
        {current?.render()}
      </div>
    </div>
  );
}
