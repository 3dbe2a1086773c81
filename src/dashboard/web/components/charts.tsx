// Small SVG charts: a usage bar (used of limit) and a donut; each carries its numbers as text too.
import { useT } from '../i18n/i18n';

export function UsageBar({ label, used, limit, unit = '' }: { label: string; used: number; limit: number; unit?: string }) {
  const t = useT();
  const unlimited = limit < 0;
  const pct = unlimited || limit === 0 ? (used > 0 && limit === 0 ? 100 : 0) : Math.min(100, (used / limit) * 100);
  const tone = pct >= 90 ? 'bad' : pct >= 70 ? 'warn' : 'ok';
  const text = unlimited ? t('{used}{unit} used (no limit)', { used, unit }) : t('{used}{unit} of {limit}{unit}', { used, limit, unit });
  return (
    <div className="usage-bar">
      <div className="usage-label"><span>{label}</span><span>{text}</span></div>
      <div className="usage-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={unlimited ? undefined : limit}
        aria-valuenow={used} aria-valuetext={text}>
        <div className={`usage-fill ${tone}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

export function Donut({ label, used, limit, unit = '' }: { label: string; used: number; limit: number; unit?: string }) {
  const t = useT();
  const unlimited = limit < 0;
  const frac = unlimited || limit === 0 ? (limit === 0 && used > 0 ? 1 : 0) : Math.min(1, used / limit);
  const r = 36, c = 2 * Math.PI * r;
  const tone = frac >= 0.9 ? 'bad' : frac >= 0.7 ? 'warn' : 'ok';
  const text = unlimited ? t('{used}{unit} used (no limit)', { used, unit }) : t('{used}{unit} of {limit}{unit}', { used, limit, unit });
  return (
    <figure className="donut" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={unlimited ? undefined : limit} aria-valuenow={used} aria-valuetext={text}>
      <svg viewBox="0 0 100 100" width="110" height="110" aria-hidden="true">
        <circle cx="50" cy="50" r={r} className="donut-track" />
        <circle cx="50" cy="50" r={r} className={`donut-fill ${tone}`} strokeDasharray={`${frac * c} ${c}`} transform="rotate(-90 50 50)" />
        <text x="50" y="55" textAnchor="middle" className="donut-text">{unlimited ? used : `${Math.round(frac * 100)}%`}</text>
      </svg>
      <figcaption><strong>{label}</strong><br />{text}</figcaption>
    </figure>
  );
}
