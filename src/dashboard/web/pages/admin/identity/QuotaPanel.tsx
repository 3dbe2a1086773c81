// One service's quotas for a project: a number field per limit (or "No limit" = -1), the usage beside
// it, and a Save that sends only what changed. Errors (e.g. a limit below usage) stay in this panel.
import { useEffect, useId, useState } from 'react';
import { ErrorNote } from '../../../components/ErrorNote';
import { Loading } from '../../../components/Loading';
import { useAction } from '../../../components/use-action';
import { useResource } from '../../../app/use-resource';
import { useT } from '../../../i18n/i18n';

export interface QuotaItem { limit: number; used: number }
export interface QuotaField { key: string; label: string; unit?: string }

export function QuotaPanel({ title, project, fields, load, save }: {
  title: string;
  project: string;
  fields: readonly QuotaField[];
  load(project: string, signal: AbortSignal): Promise<Record<string, QuotaItem>>;
  save(project: string, values: Record<string, number>): Promise<unknown>;
}) {
  const t = useT();
  const headingId = useId();
  const data = useResource((signal) => load(project, signal), [project]);
  const act = useAction();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  // A fresh load (another project, or after a save) resets the form to the stored limits.
  useEffect(() => {
    if (!data.data) return;
    setDraft(Object.fromEntries(fields.map((f) => [f.key, String(data.data![f.key]?.limit ?? -1)])));
    setErrors({});
  }, [data.data, fields]);

  const submit = async () => {
    const e: Record<string, string> = {};
    const changed: Record<string, number> = {};
    for (const f of fields) {
      const raw = draft[f.key] ?? '';
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n) || n < -1) { e[f.key] = t('Enter a whole number (0 or more).'); continue; }
      if (n !== data.data?.[f.key]?.limit) changed[f.key] = n;
    }
    setErrors(e);
    if (Object.keys(e).length || !Object.keys(changed).length) return;
    const ok = await act.run(() => save(project, changed).then(() => true), t('{what} saved', { what: title }));
    if (ok) await data.reload();
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <ErrorNote error={data.error} />
      {data.loading && !data.data && <Loading />}
      {data.data && (
        <form noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          {fields.map((f) => (
            <QuotaRow key={f.key} field={f} value={draft[f.key] ?? ''} item={data.data![f.key]} error={errors[f.key]}
              onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))} />
          ))}
          <ErrorNote error={act.error} />
          <div className="aid-panel-footer">
            <button type="submit" className="primary" disabled={act.busy} aria-label={t('Save {what}', { what: title })}>{t('Save')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function QuotaRow({ field, value, item, error, onChange }: { field: QuotaField; value: string; item?: QuotaItem; error?: string; onChange(v: string): void }) {
  const t = useT();
  const id = useId();
  const unlimited = value === '-1';
  const used = item?.used ?? 0;
  const limit = Number(value);
  const over = !unlimited && Number.isInteger(limit) && limit >= 0 && limit < used;
  return (
    <div className="aid-quota-row">
      <div className={error ? 'field has-error' : 'field'}>
        <label htmlFor={id}>{field.label}{field.unit ? ` (${field.unit})` : ''}</label>
        <input id={id} type="number" min={0} step={1} value={unlimited ? '' : value} disabled={unlimited}
          aria-invalid={error ? true : undefined} aria-describedby={`${id}-usage${error ? ` ${id}-error` : ''}`}
          onChange={(e) => onChange(e.target.value)} />
        {error && <div className="field-error" id={`${id}-error`} role="alert">{error}</div>}
      </div>
      <div className="field checkbox">
        <input id={`${id}-nolimit`} type="checkbox" checked={unlimited}
          onChange={(e) => onChange(e.target.checked ? '-1' : String(Math.max(used, item && item.limit >= 0 ? item.limit : 10)))} />
        <label htmlFor={`${id}-nolimit`}>{t('No limit')}<span className="visually-hidden"> ({field.label})</span></label>
      </div>
      <div id={`${id}-usage`} className={over ? 'aid-quota-usage over' : 'aid-quota-usage'}>
        {over ? t('In use: {n} — above this limit', { n: used }) : t('In use: {n}', { n: used })}
      </div>
    </div>
  );
}
