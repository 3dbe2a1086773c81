// The table every list page uses: filter box, sortable columns, pages of rows (a list of 1,000
// instances renders one page at a time), optional row selection for bulk actions, and an empty state.
import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../i18n/i18n';

export interface Column<T> {
  key: string;
  header: string;
  render(row: T): ReactNode;
  /** Value to sort by; columns without one are not sortable. */
  sort?(row: T): string | number;
  /** Hide on narrow (phone) screens. */
  secondary?: boolean;
}

export interface DataTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T): string;
  /** Accessible name of the table (e.g. "Instances"). */
  label: string;
  /** Text searched by the filter box; no filter box without it. */
  filterText?(row: T): string;
  /** Row actions (buttons or an ActionMenu) in a last column. */
  actions?(row: T): ReactNode;
  /** With selection: the bulk action bar gets the selected rows. */
  bulkActions?(selected: T[], clear: () => void): ReactNode;
  empty?: ReactNode;
  pageSize?: number;
  /** Extra controls beside the filter box (status filters, …). */
  toolbar?: ReactNode;
}

export function DataTable<T>({ rows, columns, rowKey, label, filterText, actions, bulkActions, empty, pageSize = 20, toolbar }: DataTableProps<T>) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const [sortKey, setSortKey] = useState<string | undefined>();
  const [desc, setDesc] = useState(false);
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    let out = f && filterText ? rows.filter((r) => filterText(r).toLowerCase().includes(f)) : [...rows];
    const col = columns.find((c) => c.key === sortKey);
    if (col?.sort) {
      const key = col.sort;
      out = out.sort((a, b) => {
        const x = key(a), y = key(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return desc ? -c : c;
      });
    }
    return out;
  }, [rows, filter, filterText, columns, sortKey, desc]);

  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = shown.slice(current * pageSize, (current + 1) * pageSize);
  const selectedRows = rows.filter((r) => selected.has(rowKey(r)));
  const toggle = (key: string) => setSelected((s) => {
    const n = new Set(s);
    if (n.has(key)) n.delete(key); else n.add(key);
    return n;
  });
  const allVisibleSelected = visible.length > 0 && visible.every((r) => selected.has(rowKey(r)));
  const clear = () => setSelected(new Set());

  const sortBy = (key: string) => {
    if (sortKey === key) setDesc(!desc);
    else { setSortKey(key); setDesc(false); }
  };

  if (rows.length === 0 && empty) return <>{toolbar && <div className="table-toolbar">{toolbar}</div>}{empty}</>;

  return (
    <div className="data-table">
      <div className="table-toolbar">
        {filterText && (
          <input type="search" className="table-filter" placeholder={t('Filter')} aria-label={t('Filter {what}', { what: label })}
            value={filter} onChange={(e) => { setFilter(e.target.value); setPage(0); }} />
        )}
        {toolbar}
        {bulkActions && selectedRows.length > 0 && (
          <div className="bulk-actions" role="group" aria-label={t('Actions on the selected rows')}>
            <span>{t('{n} selected', { n: selectedRows.length })}</span>
            {bulkActions(selectedRows, clear)}
          </div>
        )}
      </div>
      <div className="table-scroll">
        <table aria-label={label}>
          <thead>
            <tr>
              {bulkActions && (
                <th className="select-col">
                  <input type="checkbox" aria-label={t('Select all rows on this page')} checked={allVisibleSelected}
                    onChange={() => setSelected((s) => {
                      const n = new Set(s);
                      for (const r of visible) { if (allVisibleSelected) n.delete(rowKey(r)); else n.add(rowKey(r)); }
                      return n;
                    })} />
                </th>
              )}
              {columns.map((c) => (
                <th key={c.key} className={c.secondary ? 'secondary' : undefined}
                  aria-sort={sortKey === c.key ? (desc ? 'descending' : 'ascending') : undefined}>
                  {c.sort ? <button type="button" className="sort" onClick={() => sortBy(c.key)}>{c.header}{sortKey === c.key ? (desc ? ' ▼' : ' ▲') : ''}</button> : c.header}
                </th>
              ))}
              {actions && <th className="actions-col"><span className="visually-hidden">{t('Actions')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => {
              const key = rowKey(r);
              return (
                <tr key={key} data-row-key={key}>
                  {bulkActions && (
                    <td className="select-col">
                      <input type="checkbox" aria-label={t('Select row')} checked={selected.has(key)} onChange={() => toggle(key)} />
                    </td>
                  )}
                  {columns.map((c) => <td key={c.key} className={c.secondary ? 'secondary' : undefined} data-label={c.header}>{c.render(r)}</td>)}
                  {actions && <td className="actions-col">{actions(r)}</td>}
                </tr>
              );
            })}
            {visible.length === 0 && (
              <tr><td colSpan={columns.length + (actions ? 1 : 0) + (bulkActions ? 1 : 0)} className="no-match">{t('Nothing matches the filter.')}</td></tr>
            )}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label={t('Pages of {what}', { what: label })}>
          <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>{t('Previous')}</button>
          <span>{t('Page {n} of {m} ({count} items)', { n: current + 1, m: pages, count: shown.length })}</span>
          <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>{t('Next')}</button>
        </nav>
      )}
    </div>
  );
}
