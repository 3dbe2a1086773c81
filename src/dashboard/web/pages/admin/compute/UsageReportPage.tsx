// Admin: compute usage of every project over a period (os-simple-tenant-usage), with totals and CSV.
import { useState } from 'react';
import { useSession } from '../../../app/session';
import { useResource } from '../../../app/use-resource';
import { DataTable, type Column } from '../../../components/DataTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNote } from '../../../components/ErrorNote';
import { TextField } from '../../../components/fields';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useT } from '../../../i18n/i18n';
import { loadProjectNames } from './compute-data';
import { toCsv } from './usage-csv';
import { downloadText } from '../../../components/download';
import './admin-compute.css';

interface TenantUsage {
  tenant_id: string; total_hours: number; total_vcpus_usage: number; total_memory_mb_usage: number;
  total_local_gb_usage: number; server_usages?: unknown[];
}
interface Row { id: string; name: string; instances: number; vcpuHours: number; ramGiBHours: number; diskGiBHours: number; hours: number }

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const round = (n: number) => Math.round(n * 100) / 100;

async function loadUsage(compute: ReturnType<typeof useSession>['api']['compute'], from: string, to: string, signal: AbortSignal) {
  // The end day is included: the period runs to the end of "To" (or now, whichever is earlier).
  const end = new Date(`${to}T23:59:59`);
  const now = new Date();
  const query: Record<string, string> = {
    start: new Date(`${from}T00:00:00`).toISOString().replace('Z', ''),
    end: (end > now ? now : end).toISOString().replace('Z', ''),
    detailed: '1',
  };
  const byProject = new Map<string, TenantUsage>();
  // From 2.40 the answer is paged by instance: follow the next links and add up each project's parts.
  for (let marker: string | undefined, guard = 0; guard < 100; guard++) {
    const r = await compute.get<{ tenant_usages: TenantUsage[]; tenant_usages_links?: { rel: string; href: string }[] }>(
      '/os-simple-tenant-usage', marker ? { ...query, marker } : query, { signal });
    for (const u of r.tenant_usages) {
      const prev = byProject.get(u.tenant_id);
      byProject.set(u.tenant_id, prev ? {
        tenant_id: u.tenant_id,
        total_hours: prev.total_hours + u.total_hours,
        total_vcpus_usage: prev.total_vcpus_usage + u.total_vcpus_usage,
        total_memory_mb_usage: prev.total_memory_mb_usage + u.total_memory_mb_usage,
        total_local_gb_usage: prev.total_local_gb_usage + u.total_local_gb_usage,
        server_usages: [...(prev.server_usages ?? []), ...(u.server_usages ?? [])],
      } : u);
    }
    const next = r.tenant_usages_links?.find((l) => l.rel === 'next');
    marker = next ? new URL(next.href).searchParams.get('marker') ?? undefined : undefined;
    if (!marker) break;
  }
  return [...byProject.values()];
}

export function UsageReportPage() {
  const t = useT();
  const session = useSession();
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(isoDay(today));
  const invalid = !from || !to || from > to ? t('"From" must be a date on or before "To".') : undefined;

  const usage = useResource(async (signal) => {
    const [usages, names] = await Promise.all([
      loadUsage(session.api.compute, from, to, signal),
      loadProjectNames(session.api.identity, signal).catch(() => new Map<string, string>()),
    ]);
    return usages.map((u): Row => ({
      id: u.tenant_id,
      name: names.get(u.tenant_id) ?? u.tenant_id,
      instances: u.server_usages?.length ?? 0,
      vcpuHours: u.total_vcpus_usage,
      ramGiBHours: u.total_memory_mb_usage / 1024,
      diskGiBHours: u.total_local_gb_usage,
      hours: u.total_hours,
    }));
  }, [from, to], { enabled: !invalid });

  const rows = usage.data ?? [];
  const total: Row = rows.reduce((s, r) => ({
    ...s, instances: s.instances + r.instances, vcpuHours: s.vcpuHours + r.vcpuHours, ramGiBHours: s.ramGiBHours + r.ramGiBHours,
    diskGiBHours: s.diskGiBHours + r.diskGiBHours, hours: s.hours + r.hours,
  }), { id: '', name: t('Total'), instances: 0, vcpuHours: 0, ramGiBHours: 0, diskGiBHours: 0, hours: 0 });

  const num = (n: number) => round(n).toLocaleString();
  const columns: Column<Row>[] = [
    { key: 'name', header: t('Project'), render: (r) => <strong>{r.name}</strong>, sort: (r) => r.name },
    { key: 'instances', header: t('Instances'), render: (r) => r.instances, sort: (r) => r.instances },
    { key: 'vcpu', header: t('vCPU hours'), render: (r) => num(r.vcpuHours), sort: (r) => r.vcpuHours },
    { key: 'ram', header: t('RAM GiB-hours'), render: (r) => num(r.ramGiBHours), sort: (r) => r.ramGiBHours },
    { key: 'disk', header: t('Disk GiB-hours'), render: (r) => num(r.diskGiBHours), sort: (r) => r.diskGiBHours, secondary: true },
    { key: 'hours', header: t('Hours'), render: (r) => num(r.hours), sort: (r) => r.hours, secondary: true },
  ];

  const download = () => {
    const line = (r: Row) => [r.name, r.id, r.instances, round(r.vcpuHours), round(r.ramGiBHours), round(r.diskGiBHours), round(r.hours)];
    const csv = toCsv([
      [t('Project'), t('Project ID'), t('Instances'), t('vCPU hours'), t('RAM GiB-hours'), t('Disk GiB-hours'), t('Hours')],
      ...rows.map(line), line(total),
    ]);
    downloadText(`usage-${from}-${to}.csv`, csv, 'text/csv;charset=utf-8');
  };

  return (
    <>
      <PageHeader title={t('Usage report')} actions={
        <button type="button" onClick={download} disabled={!usage.data || rows.length === 0}>{t('Download CSV')}</button>
      }>
        <p className="muted">{t('Compute usage of every project over the period.')}</p>
      </PageHeader>
      <form className="panel usage-period" aria-label={t('Period')} onSubmit={(e) => { e.preventDefault(); void usage.reload(); }}>
        <TextField label={t('From')} type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
        <TextField label={t('To')} type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required error={invalid} />
        <button type="submit" disabled={!!invalid}>{t('Refresh')}</button>
      </form>
      <ErrorNote error={usage.error} />
      {usage.loading && !invalid ? <Loading /> : !invalid && (
        <>
          <DataTable label={t('Usage by project')} rows={rows} columns={columns} rowKey={(r) => r.id} filterText={(r) => `${r.name} ${r.id}`}
            empty={<EmptyState title={t('No usage in this period.')} hint={t('Choose an earlier "From" date, or launch instances.')} />} />
          {rows.length > 0 && (
            <dl className="props usage-totals" aria-label={t('Totals')}>
              <dt>{t('Projects')}</dt><dd>{rows.length}</dd>
              <dt>{t('Instances')}</dt><dd>{total.instances}</dd>
              <dt>{t('vCPU hours')}</dt><dd>{num(total.vcpuHours)}</dd>
              <dt>{t('RAM GiB-hours')}</dt><dd>{num(total.ramGiBHours)}</dd>
              <dt>{t('Disk GiB-hours')}</dt><dd>{num(total.diskGiBHours)}</dd>
              <dt>{t('Hours')}</dt><dd>{num(total.hours)}</dd>
            </dl>
          )}
        </>
      )}
    </>
  );
}
