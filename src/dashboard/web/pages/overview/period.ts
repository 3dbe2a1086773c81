// The usage period choices and the start/end query values Nova expects (UTC, no zone suffix).
export type PeriodKind = '7d' | 'month' | '30d' | 'custom';

export interface Period { start: Date; end: Date }

const DAY = 86_400_000;

/** A date input's value (YYYY-MM-DD) for a Date, in UTC. */
export const dateInput = (d: Date) => d.toISOString().slice(0, 10);

/** Nova's `start`/`end` format: YYYY-MM-DDTHH:MM:SS. */
export const novaTime = (d: Date) => d.toISOString().slice(0, 19);

export function periodOf(kind: PeriodKind, now: Date, from: string, to: string): Period | string {
  if (kind === '7d') return { start: new Date(now.getTime() - 7 * DAY), end: now };
  if (kind === '30d') return { start: new Date(now.getTime() - 30 * DAY), end: now };
  if (kind === 'month') return { start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), end: now };
  if (!from || !to) return 'Choose both dates.';
  const start = new Date(`${from}T00:00:00Z`);
  // "To" is inclusive: the period ends at the end of that day.
  const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return 'Enter valid dates.';
  if (start >= end) return '"From" must be before "To".';
  return { start, end };
}
