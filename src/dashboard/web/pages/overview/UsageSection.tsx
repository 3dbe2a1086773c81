// The project's usage over a chosen period (os-simple-tenant-usage, detailed, every page): totals,
// a bar chart of vCPU-hours per instance and a table of every instance that ran in the period.
import { useMemo, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import { DataTable, type Column } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { SelectField, TextField } from '../../components/fields';
import { formatDate } from '../../components/format';
import { Loading } from '../../components/Loading';
import { StatusBadge } from '../../components/StatusBadge';
import { useT } from '../../i18n/i18n';
import { loadProjectUsage, type ServerUsage } from './load-usage';
import { dateInput, novaTime, periodOf, type PeriodKind } from './period';
import { VcpuChart } from './VcpuChart';

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
// Totals keep two decimals while small, so a young project does not read as all zeros.
const total = (n: number) => (n < 10 ? round(n, 2) : round(n, 1));

export function UsageSection() {
  const t = useT();
  const { api, project } = useSession();
  const today = dateInput(new Date());
  const [kind, setKind] = useState<PeriodKind>('7d');
  const [from, setFrom] = useState(dateInput(new Date(Date.now() - 7 * 86_400_000)));
  const [to, setTo] = useState(today);
  // The period is fixed when chosen (not recomputed every render), so the request runs once per choice.
  const period = useMemo(() => periodOf(kind, new Date(), from, to), [kind, from, to]);
  const valid = typeof period !== 'string';
  const start = valid ? novaTime(period.start) : '', end = valid ? novaTime(period.end) : '';

  const usage = useResource((signal) => loadProjectUsage(api.compute, project.id, { start, end }, signal),
    [project.id, start, end], { enabled: valid });

  const u = usage.data;
  const rows = u?.server_usages ?? [];
  const columns: Column<ServerUsage>[] = [
    { key: 'name', header: t('Instance'), sort: (r) => r.name, render: (r) => r.ended_at ? r.name : <Link to={`/project/instances/${r.instance_id}`}>{r.name}</Link> },
    { key: 'vcpus', header: t('vCPUs'), sort: (r) => r.vcpus, render: (r) => r.vcpus },
    { key: 'ram', header: t('RAM'), sort: (r) => r.memory_mb, render: (r) => t('{n} MiB', { n: r.memory_mb }), secondary: true },
    { key: 'disk', header: t('Disk'), sort: (r) => r.local_gb, render: (r) => t('{n} GiB', { n: r.local_gb }), secondary: true },
    { key: 'hours', header: t('Hours'), sort: (r) => r.hours, render: (r) => round(r.hours, 2) },
    { key: 'state', header: t('State'), sort: (r) => r.state, render: (r) => <StatusBadge status={r.state} /> },
    { key: 'started', header: t('Started'), sort: (r) => r.started_at, render: (r) => formatDate(r.started_at), secondary: true },
  ];

  return (
    <section className="panel" aria-labelledby="usage-h">
      <h2 id="usage-h">{t('Usage')}</h2>
      <div className="ov-period">
        <SelectField label={t('Period')} value={kind} onChange={(e) => setKind(e.target.value as PeriodKind)} options={[
          { value: '7d', label: t('Last 7 days') }, { value: 'month', label: t('This month') },
          { value: '30d', label: t('Last 30 days') }, { value: 'custom', label: t('Custom') },
        ]} />
        {kind === 'custom' && (
          <>
            <TextField label={t('From')} type="date" value={from} max={to || today} onChange={(e) => setFrom(e.target.value)} />
            <TextField label={t('To')} type="date" value={to} min={from} max={today} onChange={(e) => setTo(e.target.value)} />
          </>
        )}
      </div>
      {!valid && <ErrorNote error={t(period)} />}
      <ErrorNote error={usage.error} title={t('Could not load the usage')} />
      {valid && usage.loading && !u && <Loading />}
      {u && (
        <>
          <dl className="ov-totals">
            <div><dt>{t('Instances')}</dt><dd>{rows.length}</dd></div>
            <div><dt>{t('vCPU hours')}</dt><dd>{total(u.total_vcpus_usage)}</dd></div>
            <div><dt>{t('RAM GiB-hours')}</dt><dd>{total(u.total_memory_mb_usage / 1024)}</dd></div>
            <div><dt>{t('Disk GiB-hours')}</dt><dd>{total(u.total_local_gb_usage)}</dd></div>
            <div><dt>{t('Instance hours')}</dt><dd>{total(u.total_hours)}</dd></div>
          </dl>
          {rows.length > 0 && <VcpuChart rows={rows} />}
          <DataTable label={t('Usage per instance')} rows={rows} columns={columns} rowKey={(r) => r.instance_id}
            filterText={(r) => `${r.name} ${r.state}`} pageSize={10}
            empty={<EmptyState title={t('No instance ran in this period.')} hint={t('Launch an instance or choose a longer period.')}
              action={<Link to="/project/instances" className="ov-btn primary">{t('Go to instances')}</Link>} />} />
        </>
      )}
    </section>
  );
}
