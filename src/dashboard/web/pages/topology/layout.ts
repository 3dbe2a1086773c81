// Where each node and label goes: one row per kind (external networks, routers, networks,
// instances), each row centred, positions depending only on the sorted lists so nodes stay put
// between polls. Router interface addresses sit on their own lines between the router and network
// rows, stacked on as many tracks as it takes for no two of them to overlap.
import { estimate, type Measure } from './measure';
import type { Topology } from './model';

export type NodeKind = 'external' | 'router' | 'network' | 'instance';
export interface Box { id: string; kind: NodeKind; x: number; y: number; w: number; h: number }
/** A label on an edge: centred on x, with its baseline at y. */
export interface EdgeLabel { text: string; x: number; y: number }
/** An edge leaves `from`'s bottom at x1 and enters `to`'s top at x2 (edges sharing a node are
 * spread along its side). An edge to an instance below the first instance row runs down the gap
 * left of its column (channel x from yTop to yBottom) instead of through the instances above it. */
export interface Edge {
  id: string; from: Box; to: Box; x1: number; x2: number; label?: EdgeLabel;
  channel?: { x: number; yTop: number; yBottom: number };
}
export interface Layout { width: number; height: number; boxes: Box[]; edges: Edge[] }

export const NODE_W = 190;
const GAP = 24;
const ROW_GAP = 70;
const PAD = 16;
// Four columns fit the 1280 px layout; the canvas never gets narrower, so adding an instance does
// not re-centre the rows above it.
const MAX_PER_ROW = 4;
const LINE_H = 16;
/** Edge labels: one track's height, the space kept free above and below the tracks, and between
 * two labels on a track. */
const TRACK_H = 16;
const TRACK_MARGIN = 14;
const LABEL_SPACE = 8;
/** At most this far apart, edges sharing a side of a node. */
const ANCHOR_STEP = 22;

/** Height of an instance node: name and status, then one line per address. */
export function instanceLines(i: Topology['instances'][number]): number {
  return i.links.reduce((n, l) => n + l.ips.length, 0) + i.floatingIps.length;
}

export function layoutTopology(t: Topology, measure: Measure = estimate): Layout {
  const width = Math.max(MAX_PER_ROW, t.externals.length, t.routers.length, t.networks.length) * (NODE_W + GAP) - GAP + 2 * PAD;

  // Rows first with x only: the label tracks (and so every y below them) depend on the edges' x.
  const rows: { boxes: Box[]; h: number }[] = [];
  const row = (items: { id: string }[], kind: NodeKind, h: number) => {
    if (items.length === 0) return;
    const x0 = (width - (items.length * (NODE_W + GAP) - GAP)) / 2;
    rows.push({ h, boxes: items.map((it, i) => ({ id: it.id, kind, x: x0 + i * (NODE_W + GAP), y: 0, w: NODE_W, h })) });
  };
  row(t.externals, 'external', 58);
  row(t.routers, 'router', 58);
  row(t.networks, 'network', 58);
  // Instances wrap into rows of MAX_PER_ROW; each row as tall as its tallest node.
  for (let i = 0; i < t.instances.length; i += MAX_PER_ROW) {
    const chunk = t.instances.slice(i, i + MAX_PER_ROW);
    row(chunk, 'instance', 44 + LINE_H * Math.max(1, ...chunk.map(instanceLines)));
  }
  const boxes = rows.flatMap((r) => r.boxes);
  const at = new Map(boxes.map((b) => [b.id, b]));
  const order = new Map(boxes.map((b, i) => [b.id, i]));

  const edges: Edge[] = [];
  const labelText = new Map<Edge, string>();
  const link = (id: string, a: string | undefined, b: string, label?: string) => {
    const from = a ? at.get(a) : undefined, to = at.get(b);
    if (!from || !to) return;
    const e: Edge = { id, from, to, x1: 0, x2: 0 };
    edges.push(e);
    if (label) labelText.set(e, label);
  };
  for (const r of t.routers) {
    if (r.gatewayNetworkId) link(`gw-${r.id}`, r.gatewayNetworkId, r.id);
    for (const itf of r.interfaces) link(`if-${r.id}-${itf.networkId}`, r.id, itf.networkId, itf.ips.join(', '));
  }
  for (const i of t.instances) for (const l of i.links) link(`vm-${i.id}-${l.networkId}`, l.networkId, i.id);
  // Ports come in any order: sort so anchors and label tracks are the same on every poll.
  edges.sort((a, b) => order.get(a.from.id)! - order.get(b.from.id)! || order.get(a.to.id)! - order.get(b.to.id)!);
  spreadAnchors(edges);

  // Now the rows' y, the gap under each row tall enough for the labels of the edges crossing it.
  let y = PAD;
  rows.forEach((r, i) => {
    for (const b of r.boxes) b.y = y;
    y += r.h;
    if (i === rows.length - 1) return;
    const inRow = new Set(r.boxes);
    const below = new Set(rows[i + 1]!.boxes);
    const labelled = edges.filter((e) => inRow.has(e.from) && below.has(e.to) && labelText.has(e));
    y += placeLabels(labelled, labelText, y, width, measure);
  });
  const height = Math.max(y + PAD, 120);

  const instanceYs = boxes.filter((b) => b.kind === 'instance').map((b) => b.y);
  const firstInstanceY = Math.min(...instanceYs);
  // The gaps between the first row's instances (and beside its ends) are the free vertical lanes.
  const firstRow = boxes.filter((b) => b.kind === 'instance' && b.y === firstInstanceY);
  const lanes = [...firstRow.map((b) => b.x - GAP / 2), ...firstRow.slice(-1).map((b) => b.x + b.w + GAP / 2)];
  for (const e of edges) {
    if (e.to.kind === 'instance' && e.to.y > firstInstanceY && e.from.y < firstInstanceY) {
      const mid = e.to.x + e.to.w / 2;
      const x = lanes.reduce((best, l) => (Math.abs(l - mid) < Math.abs(best - mid) ? l : best), lanes[0]!);
      e.channel = { x, yTop: firstInstanceY - ROW_GAP / 2, yBottom: e.to.y - ROW_GAP / 2 };
    }
  }
  return { width, height, boxes, edges };
}

/** Edges sharing a node's bottom (or top) leave (or enter) it side by side, ordered by where
 * their other end is, so they fan out instead of meeting in one point. */
function spreadAnchors(edges: Edge[]): void {
  const centre = (b: Box) => b.x + b.w / 2;
  const spread = (list: Edge[], box: Box, other: (e: Edge) => Box, set: (e: Edge, x: number) => void) => {
    list.sort((a, b) => centre(other(a)) - centre(other(b)));
    const step = list.length > 1 ? Math.min(ANCHOR_STEP, (box.w - 40) / (list.length - 1)) : 0;
    list.forEach((e, k) => set(e, centre(box) + (k - (list.length - 1) / 2) * step));
  };
  const group = (key: (e: Edge) => Box) => {
    const m = new Map<Box, Edge[]>();
    for (const e of edges) m.set(key(e), [...(m.get(key(e)) ?? []), e]);
    return m;
  };
  for (const [box, list] of group((e) => e.from)) spread(list, box, (e) => e.to, (e, x) => { e.x1 = x; });
  for (const [box, list] of group((e) => e.to)) spread(list, box, (e) => e.from, (e, x) => { e.x2 = x; });
}

/** The x of an edge drawn from (x1, y1) to (x2, y2) as TopologyGraph draws it (a cubic with
 * vertical ends: control points (x1, ym) and (x2, ym)), at height y. */
export function edgeXAt(x1: number, y1: number, x2: number, y2: number, y: number): number {
  // y(t) = y1 + (y2 - y1)(1.5t - 1.5t² + t³) rises steadily, so halving finds t.
  const f = (y - y1) / (y2 - y1);
  let lo = 0, hi = 1;
  for (let k = 0; k < 30; k++) {
    const t = (lo + hi) / 2;
    if (1.5 * t - 1.5 * t * t + t * t * t < f) lo = t; else hi = t;
  }
  const t = (lo + hi) / 2;
  return x1 + (x2 - x1) * (3 * t * t - 2 * t * t * t);
}

/** Puts each label on its edge, on the first track where it overlaps no other label; adds tracks
 * until all fit (n labels always fit on n tracks). Returns the height of the gap. */
function placeLabels(edges: Edge[], text: Map<Edge, string>, yTop: number, width: number, measure: Measure): number {
  for (let n = 1; n <= edges.length; n++) {
    const gap = Math.max(ROW_GAP, 2 * TRACK_MARGIN + n * TRACK_H);
    const y2 = yTop + gap;
    const first = yTop + (gap - n * TRACK_H) / 2;
    const taken: [number, number][][] = Array.from({ length: n }, () => []);
    const placed: EdgeLabel[] = [];
    for (const e of edges) {
      const label = text.get(e)!;
      const w = measure(label, 'edge');
      let done = false;
      for (let j = 0; j < n && !done; j++) {
        const baseline = first + (j + 1) * TRACK_H - 4;
        const mid = edgeXAt(e.x1, yTop, e.x2, y2, baseline - 4);
        const x = Math.min(Math.max(mid, PAD + w / 2), width - PAD - w / 2);
        const span: [number, number] = [x - w / 2 - LABEL_SPACE / 2, x + w / 2 + LABEL_SPACE / 2];
        if (taken[j]!.some(([a, b]) => span[0] < b && a < span[1])) continue;
        taken[j]!.push(span);
        placed.push({ text: label, x, y: baseline });
        done = true;
      }
      if (!done) break;
    }
    if (placed.length === edges.length) {
      edges.forEach((e, k) => { e.label = placed[k]; });
      return gap;
    }
  }
  return ROW_GAP;
}
