// One project's usage over a period, whole: from microversion 2.40 os-simple-tenant-usage pages by
// instance (a `tenant_usage_links` next link with a marker), so the pages are followed and added up.
import type { ServiceClient } from '../../api/clients';

export interface ServerUsage {
  instance_id: string; name: string; vcpus: number; memory_mb: number; local_gb: number; hours: number;
  state: string; started_at: string; ended_at: string | null; flavor: string;
}
export interface TenantUsage {
  total_vcpus_usage: number; total_memory_mb_usage: number; total_local_gb_usage: number; total_hours: number;
  server_usages: ServerUsage[];
}
interface Page {
  /** Nova answers `{}` for a project (or a page) without instances in the period. */
  tenant_usage: Partial<TenantUsage>;
  tenant_usage_links?: { rel: string; href: string }[];
}

/** A bound on the pages followed, so a server that keeps sending the same link cannot loop us. */
const MAX_PAGES = 200;

export async function loadProjectUsage(compute: ServiceClient, projectId: string, period: { start: string; end: string },
  signal: AbortSignal): Promise<TenantUsage> {
  const path = `/os-simple-tenant-usage/${encodeURIComponent(projectId)}`;
  const sum: TenantUsage = { total_vcpus_usage: 0, total_memory_mb_usage: 0, total_local_gb_usage: 0, total_hours: 0, server_usages: [] };
  const seen = new Set<string>();
  let query: Record<string, string> = { start: period.start, end: period.end, detailed: '1' };
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await compute.get<Page>(path, query, { signal });
    const u = page.tenant_usage ?? {};
    sum.total_vcpus_usage += u.total_vcpus_usage ?? 0;
    sum.total_memory_mb_usage += u.total_memory_mb_usage ?? 0;
    sum.total_local_gb_usage += u.total_local_gb_usage ?? 0;
    sum.total_hours += u.total_hours ?? 0;
    sum.server_usages.push(...(u.server_usages ?? []));
    const next = page.tenant_usage_links?.find((l) => l.rel === 'next');
    if (!next) break;
    // The link carries the whole query (period, limit, marker); its host may be the cloud's public
    // URL rather than the one the browser reached, so only its query string is reused, on our endpoint.
    const params = new URL(next.href, compute.base).searchParams;
    const marker = params.get('marker');
    if (!marker || seen.has(marker)) break;
    seen.add(marker);
    query = Object.fromEntries(params);
  }
  return sum;
}
