// Extra specs edited as text, one `key=value` a line: parsing with a message per bad line, and the
// changes between two sets (what to set, what to unset) for the API's add and delete calls.
import type { Translate } from '../../i18n/i18n';

/** Cinder's key pattern (types_extra_specs schema). */
const KEY = /^[a-zA-Z0-9-_:.]{1,255}$/;

export function formatSpecs(specs: Record<string, string>): string {
  return Object.entries(specs).map(([k, v]) => `${k}=${v}`).join('\n');
}

/** The specs in `text`, or the first problem (with its line number) in words. */
export function parseSpecs(text: string, t: Translate): { specs: Record<string, string>; error?: string } {
  const specs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at < 0) return { specs, error: t('Line {n}: write key=value.', { n: i + 1 }) };
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (!KEY.test(key)) return { specs, error: t('Line {n}: the key may hold only letters, digits and - _ : . (at most 255).', { n: i + 1 }) };
    if (value.length > 255) return { specs, error: t('Line {n}: the value is longer than 255 characters.', { n: i + 1 }) };
    if (key in specs) return { specs, error: t('Line {n}: {key} is given twice.', { n: i + 1, key }) };
    specs[key] = value;
  }
  return { specs };
}

/** What changed from `before` to `after`: keys to set (new or changed) and keys to remove. */
export function diffSpecs(before: Record<string, string>, after: Record<string, string>): { set: Record<string, string>; unset: string[] } {
  const set = Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
  const unset = Object.keys(before).filter((k) => !(k in after));
  return { set, unset };
}
