import { useT } from '../i18n/i18n';

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return <p className="loading" role="status" aria-live="polite">{label ?? t('Loading…')}</p>;
}
