// The filter scheduler's pure part: which backends may take a volume and which one wins. Each
// filter drops backends and says why, so a failed placement can tell the user what to change
// (start a storage agent, pick another type or zone, ask for less).
import type { BackendRow } from '../volume.tables.js';

export interface PlacementRequest {
  sizeGb: number;
  availabilityZone: string | null;
  /** The volume type's extra specs. */
  extraSpecs: Record<string, string>;
  /** Only these backends (`<host>@<backend>`) or these hosts (no `@`): the source's, for clones and restores. */
  sameBackendAs?: string;
}

/** A backend row with what is already placed on it (GB of volumes and snapshots). */
export interface BackendState { row: BackendRow; provisionedGb: number }

export interface Weighed { state: BackendState; virtualFreeGb: number }

/** Up: heard from within `downSeconds`. */
export const isBackendUp = (row: Pick<BackendRow, 'last_seen_up'>, downSeconds: number, at = Date.now()): boolean =>
  at - Date.parse(row.last_seen_up) <= downSeconds * 1000;

/** How much may be provisioned on the backend in all: total × (1 − reserved%) × ratio. */
export const provisionLimitGb = (row: BackendRow): number =>
  row.total_gb * (1 - row.reserved_percentage / 100) * row.max_over_subscription_ratio;

/** Cinder's `<is> True` extra-spec booleans (and plain `true`). */
export const specIsTrue = (v: string | undefined): boolean => v !== undefined && /^(<is>\s*)?true$/i.test(v.trim());

function capabilities(row: BackendRow): Record<string, unknown> {
  try { return JSON.parse(row.capabilities) as Record<string, unknown>; } catch { return {}; }
}

const matchesSource = (row: BackendRow, source: string): boolean =>
  source.includes('@') ? row.id === source.split('#')[0] : row.host === source;

export type FilterOutcome = { ok: true; ranked: Weighed[] } | { ok: false; reason: string };

const NO_BACKEND = 'No valid backend was found. No weighed backends available';

/**
 * Runs the filters in Cinder's order (availability, zone, capabilities, capacity) and ranks the
 * survivors by virtual free space, most first. A clone or restore (`sameBackendAs`) skips the zone
 * and type filters: its data lives on that backend and nowhere else.
 */
export function filterAndWeigh(backends: readonly BackendState[], req: PlacementRequest, downSeconds: number, at = Date.now()): FilterOutcome {
  const fail = (why: string): FilterOutcome => ({ ok: false, reason: `${NO_BACKEND}: ${why}.` });
  let left = backends.filter((b) => !b.row.disabled && isBackendUp(b.row, downSeconds, at));
  if (left.length === 0) {
    return fail(backends.length === 0 ? 'no storage backend has reported (is a storage agent running?)'
      : `no storage backend is up and enabled (known: ${backends.map((b) => b.row.id).join(', ')})`);
  }
  if (req.sameBackendAs !== undefined) {
    const source = req.sameBackendAs;
    left = left.filter((b) => matchesSource(b.row, source));
    if (left.length === 0) return fail(`the source's backend ${source} is not up or is disabled`);
  } else {
    if (req.availabilityZone) {
      const zone = req.availabilityZone;
      left = left.filter((b) => b.row.availability_zone === zone);
      if (left.length === 0) return fail(`no backend is up in availability zone ${zone}`);
    }
    const wantedName = req.extraSpecs.volume_backend_name;
    if (wantedName !== undefined) {
      left = left.filter((b) => b.row.backend_name === wantedName);
      if (left.length === 0) return fail(`the volume type asks for backend ${wantedName} (volume_backend_name) and none such is up`);
    }
    if (specIsTrue(req.extraSpecs.multiattach)) {
      left = left.filter((b) => capabilities(b.row).multiattach === true);
      if (left.length === 0) return fail('the volume type asks for multiattach and no backend up supports it');
    }
  }
  const ranked = left
    .map((state) => ({ state, virtualFreeGb: provisionLimitGb(state.row) - state.provisionedGb }))
    .filter((w) => w.virtualFreeGb >= req.sizeGb)
    .sort((a, b) => b.virtualFreeGb - a.virtualFreeGb || a.state.row.id.localeCompare(b.state.row.id));
  if (ranked.length === 0) {
    const most = Math.max(...left.map((b) => provisionLimitGb(b.row) - b.provisionedGb));
    return fail(`not enough capacity for ${req.sizeGb} GB (the most any backend can still provision is ${Math.max(0, Math.floor(most))} GB)`);
  }
  return { ok: true, ranked };
}
