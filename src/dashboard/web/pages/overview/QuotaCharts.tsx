// Quota usage as donuts, one block per service so a failing service shows its error in its place
// while the others still draw. Refreshed every 15 s.
import type { ReactNode } from 'react';
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import { Donut } from '../../components/charts';
import { ErrorNote } from '../../components/ErrorNote';
import { Loading } from '../../components/Loading';
import { useT } from '../../i18n/i18n';

const POLL_MS = 15_000;

interface Meter { label: string; used: number; limit: number; unit?: string }

function Block({ title, meters, error, loading, missing }: { title: string; meters?: Meter[]; error?: Error; loading: boolean; missing?: boolean }) {
  const t = useT();
  let body: ReactNode;
  if (missing) body = <p className="empty-hint">{t('This service is not in the catalog.')}</p>;
  else if (meters) body = <div className="quota-donuts">{meters.map((m) => <Donut key={m.label} {...m} />)}</div>;
  else if (error) body = null;
  else if (loading) body = <Loading />;
  return (
    <div className="quota-block">
      <h3>{title}</h3>
      {error && <ErrorNote error={error} title={t('Could not load the {what} quotas', { what: title })} />}
      {body}
    </div>
  );
}

interface Limits { limits: { absolute: Record<string, number> } }
interface VolumeQuota { quota_set: Record<string, { in_use: number; limit: number } | string> }
interface NetworkQuota { quota: Record<string, { used: number; limit: number }> }

export function QuotaCharts() {
  const t = useT();
  const { api, project } = useSession();
  const pid = encodeURIComponent(project.id);

  // /limits (not os-quota-sets/detail) because every project member may read it.
  const compute = useResource((signal) => api.compute.get<Limits>('/limits', undefined, { signal }), [project.id], { pollMs: POLL_MS });
  const volume = useResource((signal) => api.volume.get<VolumeQuota>(`/os-quota-sets/${pid}`, { usage: 'true' }, { signal }),
    [project.id], { pollMs: POLL_MS, enabled: api.has('block-storage') });
  const network = useResource((signal) => api.network.get<NetworkQuota>(`/quotas/${pid}/details.json`, undefined, { signal }),
    [project.id], { pollMs: POLL_MS, enabled: api.has('network') });

  const a = compute.data?.limits.absolute;
  const computeMeters: Meter[] | undefined = a && [
    { label: t('Instances'), used: a.totalInstancesUsed ?? 0, limit: a.maxTotalInstances ?? -1 },
    { label: t('vCPUs'), used: a.totalCoresUsed ?? 0, limit: a.maxTotalCores ?? -1 },
    { label: t('RAM'), used: mibToGib(a.totalRAMUsed ?? 0), limit: (a.maxTotalRAMSize ?? -1) < 0 ? -1 : mibToGib(a.maxTotalRAMSize), unit: ' GiB' },
  ];
  const vq = volume.data?.quota_set;
  const vol = (k: string) => (vq && typeof vq[k] === 'object' ? vq[k] as { in_use: number; limit: number } : { in_use: 0, limit: -1 });
  const volumeMeters: Meter[] | undefined = vq && [
    { label: t('Volumes'), used: vol('volumes').in_use, limit: vol('volumes').limit },
    { label: t('Volume storage'), used: vol('gigabytes').in_use, limit: vol('gigabytes').limit, unit: ' GiB' },
  ];
  const nq = network.data?.quota;
  const net = (k: string) => nq?.[k] ?? { used: 0, limit: -1 };
  const networkMeters: Meter[] | undefined = nq && [
    { label: t('Floating IPs'), used: net('floatingip').used, limit: net('floatingip').limit },
    { label: t('Security groups'), used: net('security_group').used, limit: net('security_group').limit },
  ];

  return (
    <section className="panel" aria-labelledby="quota-h">
      <h2 id="quota-h">{t('Quota usage')}</h2>
      <div className="quota-blocks">
        <Block title={t('Compute')} meters={computeMeters} error={compute.error} loading={compute.loading} />
        <Block title={t('Volume')} meters={volumeMeters} error={volume.error} loading={volume.loading} missing={!api.has('block-storage')} />
        <Block title={t('Network')} meters={networkMeters} error={network.error} loading={network.loading} missing={!api.has('network')} />
      </div>
    </section>
  );
}

const mibToGib = (mib: number) => Math.round((mib / 1024) * 10) / 10;
