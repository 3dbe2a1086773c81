// How numbers, times and yes/no read on the pages.
import type { Translate } from '../i18n/i18n';
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatMiB(mib: number): string { return mib >= 1024 ? `${+(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`; }

export function formatDate(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale);
}

export function shortId(id: string): string { return id.length > 8 ? id.slice(0, 8) : id; }

/** "Yes"/"No" for a boolean cell. */
export function yesNo(t: Translate, v: boolean | undefined): string { return v ? t('Yes') : t('No'); }
