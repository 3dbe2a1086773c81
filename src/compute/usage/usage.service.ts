// os-simple-tenant-usage: what each project's instances held over a period, in instance-hours,
// counted from the instance rows themselves (deleted ones stay, with deleted = 1).
import { badRequest } from '../../platform/errors.js';
import { isoMicro, json } from '../common.js';
import type { ComputeDb, InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { page, type PageQuery } from '../hypervisors/page.js';

export interface Period { start: Date; stop: Date }

export interface ServerUsage {
  instance_id: string; name: string; tenant_id: string; hours: number; memory_mb: number; local_gb: number; vcpus: number;
  flavor: string; started_at: string | null; ended_at: string | null; state: string; uptime: number;
}

export interface TenantUsage {
  tenant_id: string; start: string | null; stop: string | null;
  total_hours: number; total_local_gb_usage: number; total_memory_mb_usage: number; total_vcpus_usage: number;
  server_usages?: ServerUsage[];
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]00:?00)?$/;

/** Nova's accepted forms (`2024-01-31T10:00:00`, with `.ffffff`, or a space for the T), read as
 *  UTC; missing means now. */
export function parseTime(raw: string | undefined, field: 'start' | 'end'): Date {
  if (raw === undefined) return new Date();
  const m = TIME.exec(raw.trim());
  const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}Z`) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== `${m![1]}-${m![2]}-${m![3]}`) {
    throw badRequest(`Invalid ${field} time. The ${field} time must look like 2024-01-31T10:00:00 (optionally with .ffffff), got '${raw}'.`);
  }
  return d;
}

export function parsePeriod(start: string | undefined, end: string | undefined): Period {
  const period = { start: parseTime(start, 'start'), stop: parseTime(end, 'end') };
  if (period.start > period.stop) throw badRequest('Invalid start time. The start time cannot occur after the end time.');
  return period;
}

const startedAt = (i: InstanceRow) => i.launched_at ?? i.created_at;
const endedAt = (i: InstanceRow) => i.terminated_at ?? (i.deleted === 1 ? i.deleted_at ?? i.updated_at : null);

/** The instances alive at some moment of the period, oldest first, then paged (2.40) by uuid. */
export async function instancesIn(db: ComputeDb, period: Period, projectId: string | undefined, paging: PageQuery):
  Promise<{ items: InstanceRow[]; next?: string }> {
  let q = db.selectFrom('compute_instance').selectAll()
    .where('created_at', '<=', period.stop.toISOString())
    // Deleted before the period began: never relevant (the exact end is checked below).
    .where((eb) => eb.or([eb('deleted', '=', 0), eb('deleted_at', 'is', null), eb('deleted_at', '>=', period.start.toISOString())]))
    .orderBy('created_at').orderBy('uuid');
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  const alive = (await q.execute()).filter((i) => {
    const ended = endedAt(i);
    return Date.parse(startedAt(i)) <= period.stop.getTime() && (ended === null || Date.parse(ended) >= period.start.getTime());
  });
  return page(alive, paging, (i) => i.uuid);
}

export function serverUsage(i: InstanceRow, period: Period, at = Date.now()): ServerUsage {
  const started = Date.parse(startedAt(i));
  const endedIso = endedAt(i);
  const ended = endedIso === null ? at : Date.parse(endedIso);
  const from = Math.max(started, period.start.getTime());
  const to = Math.min(ended, period.stop.getTime());
  const flavor = json<Partial<InstanceFlavor>>(i.flavor, {});
  return {
    instance_id: i.uuid, name: i.name, tenant_id: i.project_id,
    hours: Math.max(0, to - from) / 3_600_000,
    memory_mb: i.memory_mb, local_gb: i.root_gb + i.ephemeral_gb, vcpus: i.vcpus,
    flavor: flavor.name ?? i.flavor_id,
    started_at: isoMicro(startedAt(i)), ended_at: isoMicro(endedIso),
    state: i.deleted === 1 ? 'terminated' : i.vm_state,
    uptime: Math.max(0, Math.floor((ended - started) / 1000)),
  };
}

/** One usage per project, in the order its first instance appears; servers listed when `detailed`. */
export function tenantUsages(instances: InstanceRow[], period: Period, detailed: boolean): TenantUsage[] {
  const byProject = new Map<string, TenantUsage>();
  for (const i of instances) {
    const s = serverUsage(i, period);
    let t = byProject.get(i.project_id);
    if (!t) {
      t = {
        tenant_id: i.project_id, start: isoMicro(period.start.toISOString()), stop: isoMicro(period.stop.toISOString()),
        total_hours: 0, total_local_gb_usage: 0, total_memory_mb_usage: 0, total_vcpus_usage: 0, ...(detailed ? { server_usages: [] } : {}),
      };
      byProject.set(i.project_id, t);
    }
    t.total_hours += s.hours;
    t.total_local_gb_usage += s.hours * s.local_gb;
    t.total_memory_mb_usage += s.hours * s.memory_mb;
    t.total_vcpus_usage += s.hours * s.vcpus;
    t.server_usages?.push(s);
  }
  return [...byProject.values()];
}
