// How much of the project's quota the request uses: bars of used + this launch against each limit,
// and an error note when the launch would go over one.
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { formatMiB } from '../../components/format';
import { useT } from '../../i18n/i18n';
import type { AbsoluteLimits, Flavor } from './launch-data';
import type { Resource } from '../../app/use-resource';

interface Row { label: string; used: number; adding: number; limit: number; show(n: number): string }

export function QuotaImpact({ limits, flavor, count }: { limits: Resource<AbsoluteLimits>; flavor?: Flavor; count: number }) {
  const t = useT();
  if (limits.error) return <ErrorNote error={limits.error} title={t('Quota')} />;
  if (!limits.data) return <Loading />;
  const l = limits.data;
  const n = Math.max(0, count || 0);
  const rows: Row[] = [
    { label: t('Instances'), used: l.totalInstancesUsed, adding: n, limit: l.maxTotalInstances, show: String },
    { label: t('vCPUs'), used: l.totalCoresUsed, adding: (flavor?.vcpus ?? 0) * n, limit: l.maxTotalCores, show: String },
    { label: t('RAM'), used: l.totalRAMUsed, adding: (flavor?.ram ?? 0) * n, limit: l.maxTotalRAMSize, show: formatMiB },
  ];
  const over = rows.filter((r) => r.limit >= 0 && r.used + r.adding > r.limit);
  return (
    <section className="launch-quota" aria-labelledby="launch-quota-title">
      <h3 id="launch-quota-title">{t('Quota after launch')}</h3>
      {rows.map((r) => <ImpactBar key={r.label} row={r} />)}
      {!flavor && <p className="field-hint">{t('Choose a flavor to see its vCPUs and RAM here.')}</p>}
      {over.length > 0 && (
        <ErrorNote error={t('This launch would exceed the quota for {what}. Lower the count, pick a smaller flavor or ask an administrator for more quota.',
          { what: over.map((r) => r.label).join(', ') })} />
      )}
    </section>
  );
}

function ImpactBar({ row }: { row: Row }) {
  const t = useT();
  const after = row.used + row.adding;
  const unlimited = row.limit < 0;
  const pct = (v: number) => (unlimited ? 0 : row.limit === 0 ? (v > 0 ? 100 : 0) : Math.min(100, (v / row.limit) * 100));
  const tone = !unlimited && after > row.limit ? 'bad' : pct(after) >= 70 ? 'warn' : 'ok';
  const text = unlimited
    ? t('{used} used + {adding} = {after} (no limit)', { used: row.show(row.used), adding: row.show(row.adding), after: row.show(after) })
    : t('{used} used + {adding} = {after} of {limit}', { used: row.show(row.used), adding: row.show(row.adding), after: row.show(after), limit: row.show(row.limit) });
  return (
    <div className="usage-bar">
      <div className="usage-label"><span>{row.label}</span><span>{text}</span></div>
      <div className="usage-track launch-track" role="meter" aria-label={t('{what} after launch', { what: row.label })} aria-valuemin={0}
        aria-valuemax={unlimited ? undefined : row.limit} aria-valuenow={after} aria-valuetext={text}>
        <div className={`usage-fill ${tone}`} style={{ width: `${pct(row.used)}%` }} />
        <div className={`usage-fill launch-adding ${tone}`} style={{ width: `${Math.max(0, pct(after) - pct(row.used))}%` }} />
      </div>
    </div>
  );
}
