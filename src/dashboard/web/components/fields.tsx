// Form fields, each with its visible label tied to the control and its error below it.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldBase { label: string; hint?: ReactNode; error?: string }

function Wrap({ id, label, hint, error, children, required }: FieldBase & { id: string; children: ReactNode; required?: boolean }) {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}{required && <span aria-hidden="true" className="required"> *</span>}</label>
      {children}
      {hint && <div className="field-hint" id={`${id}-hint`}>{hint}</div>}
      {error && <div className="field-error" id={`${id}-error`} role="alert">{error}</div>}
    </div>
  );
}

const described = (id: string, f: FieldBase) =>
  [f.hint ? `${id}-hint` : '', f.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function TextField({ label, hint, error, ...input }: FieldBase & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={input.required}>
      <input id={id} type="text" aria-invalid={error ? true : undefined} aria-describedby={described(id, { label, hint, error })} {...input} />
    </Wrap>
  );
}

export function TextAreaField({ label, hint, error, ...input }: FieldBase & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={input.required}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={described(id, { label, hint, error })} {...input} />
    </Wrap>
  );
}

export interface Option { value: string; label: string; disabled?: boolean }

export function SelectField({ label, hint, error, options, placeholder, ...select }:
  FieldBase & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly Option[]; placeholder?: string }) {
  const id = useId();
  return (
    <Wrap id={id} label={label} hint={hint} error={error} required={select.required}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={described(id, { label, hint, error })} {...select}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => <option key={o.value} value={o.value} disabled={o.disabled}>{o.label}</option>)}
      </select>
    </Wrap>
  );
}

export function CheckboxField({ label, hint, ...input }: { label: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" {...input} />
      <label htmlFor={id}>{label}</label>
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}
