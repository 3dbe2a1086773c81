// vCPU-hours per instance as horizontal SVG bars (the top 10), each with its number as text.
import { useId } from 'react';
import { useT } from '../../i18n/i18n';
import type { ServerUsage } from './load-usage';

// Small values keep two decimals so a fresh instance does not read as 0.
const fmt = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const BAR_H = 20, GAP = 6, LABEL_W = 110, WIDTH = 400;

export function VcpuChart({ rows }: { rows: ServerUsage[] }) {
  const t = useT();
  const clip = `vcpu-names-${useId().replace(/:/g, '')}`;
  const data = rows.map((r) => ({ id: r.instance_id, name: r.name, value: r.vcpus * r.hours }))
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name)).slice(0, 10);
  const max = Math.max(...data.map((d) => d.value), 0.0001);
  const height = data.length * (BAR_H + GAP);
  const barMax = WIDTH - LABEL_W - 70;
  return (
    <figure className="vcpu-chart">
      <figcaption>{t('vCPU hours per instance')}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={{ maxWidth: WIDTH }} role="img"
        aria-label={data.map((d) => `${d.name}: ${fmt(d.value)}`).join(', ')}>
        {/* Names are cut at the bars' edge whatever their letters' widths (whole in the table below and the label). */}
        <defs><clipPath id={clip}><rect x={0} y={0} width={LABEL_W - 6} height={height} /></clipPath></defs>
        {data.map((d, i) => {
          const y = i * (BAR_H + GAP);
          const w = Math.max(1, (d.value / max) * barMax);
          return (
            <g key={d.id}>
              <text x={0} y={y + BAR_H - 6} className="vcpu-label" clipPath={`url(#${clip})`}>
                {d.name.length > 14 ? `${d.name.slice(0, 13)}…` : d.name}
              </text>
              <rect x={LABEL_W} y={y} width={w} height={BAR_H} rx={3} className="vcpu-bar" />
              <text x={LABEL_W + w + 6} y={y + BAR_H - 6} className="vcpu-value">{fmt(d.value)}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
