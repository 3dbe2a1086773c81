// Where each node goes: one row per kind (external networks, routers, networks, instances), each
// row centred, positions depending only on the sorted lists so nodes stay put between polls.
import type { Topology } from './model';

export type NodeKind = 'external' | 'router' | 'network' | 'instance';
export interface Box { id: string; kind: NodeKind; x: number; y: number; w: number; h: number }
/** An edge to an instance below the first instance row runs down the gap left of its column
 * (channel x from yTop to yBottom) instead of through the instances above it. */
export interface Edge { id: string; from: Box; to: Box; label?: string; channel?: { x: number; yTop: number; yBottom: number } }
export interface Layout { width: number; height: number; boxes: Box[]; edges: Edge[] }

export const NODE_W = 190;
const GAP = 24;
const ROW_GAP = 70;
const PAD = 16;
// Four columns fit the 1280 px layout; the canvas never gets narrower, so adding an instance does
// not re-centre the rows above it.
const MAX_PER_ROW = 4;
const LINE_H = 16;

/** Height of an instance node: name and status, then one line per address. */
export function instanceLines(i: Topology['instances'][number]): number {
  return i.links.reduce((n, l) => n + l.ips.length, 0) + i.floatingIps.length;
}

export function layoutTopology(t: Topology): Layout {
  const perRow = MAX_PER_ROW;
  const width = Math.max(perRow, t.externals.length, t.routers.length, t.networks.length) * (NODE_W + GAP) - GAP + 2 * PAD;
  const boxes: Box[] = [];
  let y = PAD;

  const row = (items: { id: string }[], kind: NodeKind, h: number) => {
    if (items.length === 0) return;
    const rowW = items.length * (NODE_W + GAP) - GAP;
    const x0 = (width - rowW) / 2;
    items.forEach((it, i) => boxes.push({ id: it.id, kind, x: x0 + i * (NODE_W + GAP), y, w: NODE_W, h }));
    y += h + ROW_GAP;
  };

  row(t.externals, 'external', 58);
  row(t.routers, 'router', 58);
  row(t.networks, 'network', 58);
  // Instances wrap into rows of perRow; each row as tall as its tallest node.
  for (let i = 0; i < t.instances.length; i += perRow) {
    const chunk = t.instances.slice(i, i + perRow);
    const h = 44 + LINE_H * Math.max(1, ...chunk.map(instanceLines));
    row(chunk, 'instance', h);
  }
  const height = Math.max(y - ROW_GAP + PAD, 120);

  const at = new Map(boxes.map((b) => [b.id, b]));
  const edges: Edge[] = [];
  const link = (id: string, a: string | undefined, b: string, label?: string) => {
    const from = a ? at.get(a) : undefined, to = at.get(b);
    if (from && to) edges.push({ id, from, to, label });
  };
  for (const r of t.routers) {
    if (r.gatewayNetworkId) link(`gw-${r.id}`, r.gatewayNetworkId, r.id);
    for (const itf of r.interfaces) link(`if-${r.id}-${itf.networkId}`, r.id, itf.networkId, itf.ips.join(', '));
  }
  const firstInstanceY = Math.min(...boxes.filter((b) => b.kind === 'instance').map((b) => b.y));
  for (const i of t.instances) for (const l of i.links) link(`vm-${i.id}-${l.networkId}`, l.networkId, i.id);
  // The gaps between the first row's instances (and beside its ends) are the free vertical lanes.
  const firstRow = boxes.filter((b) => b.kind === 'instance' && b.y === firstInstanceY);
  const lanes = [...firstRow.map((b) => b.x - GAP / 2), ...firstRow.slice(-1).map((b) => b.x + b.w + GAP / 2)];
  for (const e of edges) {
    if (e.to.kind === 'instance' && e.to.y > firstInstanceY && e.from.y < firstInstanceY) {
      const mid = e.to.x + e.to.w / 2;
      const x = lanes.reduce((best, l) => (Math.abs(l - mid) < Math.abs(best - mid) ? l : best), lanes[0]);
      e.channel = { x, yTop: firstInstanceY - ROW_GAP / 2, yBottom: e.to.y - ROW_GAP / 2 };
    }
  }
  return { width, height, boxes, edges };
}
